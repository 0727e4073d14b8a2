"""The synthetic procedure catalogue of `bench/search.py`: plausible Vietnamese names by field."""

import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_PROCEDURES = 423
# --- Synthetic procedures ---------------------------------------------------------------------
# Names are built the way the national catalogue's are: an action, an object of the field, and
# sometimes a qualifier. Each field keeps the name it has in procedures_hue.json (so imports reuse
# the same Field) and a weight close to its share of the real catalogue.


@dataclass
class FieldWords:
    field_vi: str
    field_en: str
    weight: int
    actions: list[tuple[str, str]]
    objects: list[tuple[str, str]]
    qualifiers: list[tuple[str, str]]
    province_share: float = 0.0


NO_QUALIFIER = ("", "")

FIELDS = [
    FieldWords(
        "Hộ tịch",
        "Civil status registration",
        30,
        [
            ("Đăng ký", "Registration of"),
            ("Đăng ký lại", "Re-registration of"),
            ("Cấp bản sao trích lục", "Copy of the extract of"),
            ("Ghi vào Sổ hộ tịch việc", "Recording in the civil-status register of"),
        ],
        [
            ("khai sinh", "birth"),
            ("kết hôn", "marriage"),
            ("khai tử", "death"),
            ("giám hộ", "guardianship"),
            ("nhận cha, mẹ, con", "parent-child recognition"),
            ("chấm dứt giám hộ", "end of guardianship"),
        ],
        [
            NO_QUALIFIER,
            ("có yếu tố nước ngoài", "with a foreign element"),
            ("lưu động", "by a mobile team"),
            ("cho người đã có hồ sơ, giấy tờ cá nhân", "for a person already holding papers"),
            ("tại khu vực biên giới", "in a border area"),
        ],
    ),
    FieldWords(
        "Chứng thực",
        "Certification (attestation)",
        12,
        [
            ("Chứng thực", "Certification of"),
            ("Sửa lỗi sai sót trong chứng thực", "Correcting an error in the certification of"),
            ("Cấp bản sao có chứng thực", "Certified copy of"),
        ],
        [
            ("bản sao từ bản chính giấy tờ, văn bản", "copies from original papers"),
            ("chữ ký trong giấy tờ, văn bản", "a signature on papers"),
            ("hợp đồng, giao dịch", "a contract or transaction"),
            ("di chúc", "a will"),
            ("văn bản thỏa thuận phân chia di sản", "an estate division agreement"),
            ("chữ ký người dịch", "a translator's signature"),
            ("hợp đồng ủy quyền", "a power-of-attorney contract"),
        ],
        [
            NO_QUALIFIER,
            ("do cơ quan nước ngoài cấp", "issued by a foreign authority"),
            ("bằng phương thức điện tử", "electronically"),
            ("liên quan đến tài sản là động sản", "concerning movable property"),
        ],
    ),
    FieldWords(
        "Đất đai",
        "Land administration",
        15,
        [
            ("Đăng ký", "Registration of"),
            ("Đăng ký biến động", "Registration of changes in"),
            ("Cấp Giấy chứng nhận", "Certificate of"),
            ("Đính chính Giấy chứng nhận", "Correction of the certificate of"),
            ("Gia hạn", "Extension of"),
            ("Xác nhận", "Confirmation of"),
        ],
        [
            ("quyền sử dụng đất", "land-use rights"),
            (
                "quyền sở hữu nhà ở và tài sản gắn liền với đất",
                "ownership of housing and land-attached assets",
            ),
            ("tách thửa, hợp thửa đất", "parcel subdivision or merger"),
            ("chuyển mục đích sử dụng đất", "change of land-use purpose"),
            ("thế chấp quyền sử dụng đất", "mortgage of land-use rights"),
        ],
        [
            NO_QUALIFIER,
            ("lần đầu", "for the first time"),
            ("đối với hộ gia đình, cá nhân", "for households and individuals"),
            ("do thừa kế", "by inheritance"),
        ],
        province_share=0.3,
    ),
    FieldWords(
        "Bảo trợ xã hội",
        "Social protection",
        9,
        [
            ("Thực hiện", "Granting"),
            ("Điều chỉnh", "Adjusting"),
            ("Thôi hưởng", "Ending"),
            ("Chi trả", "Payment of"),
        ],
        [
            ("trợ cấp xã hội hàng tháng", "monthly social allowance"),
            ("hỗ trợ chi phí mai táng", "funeral-cost support"),
            ("trợ giúp xã hội khẩn cấp", "emergency social assistance"),
            ("hỗ trợ kinh phí chăm sóc, nuôi dưỡng", "care and nurture funding"),
        ],
        [
            NO_QUALIFIER,
            ("cho người khuyết tật", "for people with disabilities"),
            ("cho người cao tuổi", "for the elderly"),
            ("khi thay đổi nơi cư trú", "on a change of residence"),
        ],
    ),
    FieldWords(
        "Hoạt động xây dựng",
        "Construction permits",
        6,
        [
            ("Cấp giấy phép xây dựng", "Construction permit for"),
            ("Điều chỉnh giấy phép xây dựng", "Amendment of the construction permit for"),
            ("Gia hạn giấy phép xây dựng", "Extension of the construction permit for"),
            ("Cấp lại giấy phép xây dựng", "Re-issuance of the construction permit for"),
            ("Cấp giấy phép sửa chữa, cải tạo", "Permit to repair or renovate"),
        ],
        [
            ("nhà ở riêng lẻ", "a detached house"),
            ("công trình cấp III, cấp IV", "grade III/IV works"),
            ("công trình tín ngưỡng, tôn giáo", "religious works"),
            ("công trình quảng cáo", "advertising structures"),
        ],
        [
            NO_QUALIFIER,
            ("có thời hạn", "with a time limit"),
            ("tại khu vực có quy hoạch chi tiết", "in an area with a detailed plan"),
        ],
        province_share=0.2,
    ),
    FieldWords(
        "Đăng ký hộ kinh doanh",
        "Household business registration",
        6,
        [
            ("Đăng ký thành lập", "Registration of a new"),
            ("Đăng ký thay đổi nội dung đăng ký", "Registration of changes to"),
            ("Thông báo tạm ngừng kinh doanh", "Notice of suspension of"),
            ("Chấm dứt hoạt động", "Closure of"),
            ("Cấp lại Giấy chứng nhận đăng ký", "Re-issued registration certificate of"),
        ],
        [
            ("hộ kinh doanh", "a household business"),
            ("địa điểm kinh doanh của hộ kinh doanh", "a household business's premises"),
            ("hộ kinh doanh dịch vụ ăn uống", "a food-service household business"),
        ],
        [
            NO_QUALIFIER,
            ("qua mạng điện tử", "online"),
            ("khi chuyển địa chỉ trụ sở", "when moving the registered address"),
        ],
    ),
    FieldWords(
        "Đăng ký, quản lý cư trú (Công an cấp xã)",
        "Residence registration (commune police)",
        6,
        [
            ("Đăng ký", "Registration of"),
            ("Gia hạn", "Extension of"),
            ("Xóa đăng ký", "Deregistration of"),
            ("Điều chỉnh thông tin về", "Updating the details of"),
            ("Khai báo", "Declaration of"),
        ],
        [
            ("tạm trú", "temporary residence"),
            ("thường trú", "permanent residence"),
            ("lưu trú", "short stay"),
            ("tạm vắng", "temporary absence"),
            ("tách hộ", "household split"),
        ],
        [
            NO_QUALIFIER,
            ("qua Cổng dịch vụ công", "through the public-service portal"),
            ("cho người chưa thành niên", "for a minor"),
        ],
    ),
    FieldWords(
        "Văn hóa \u2013 Thể thao",  # the catalogue's name, with its en dash
        "Culture and sport",
        5,
        [
            ("Đăng ký tổ chức", "Registration to organise"),
            ("Thông báo tổ chức", "Notice of"),
            ("Công nhận", "Recognition of"),
        ],
        [
            ("lễ hội", "a festival"),
            ("câu lạc bộ thể dục thể thao cơ sở", "a grassroots sports club"),
            ("hoạt động biểu diễn nghệ thuật", "a performing-arts event"),
            ("danh hiệu gia đình văn hóa", "the cultured-family title"),
        ],
        [
            NO_QUALIFIER,
            ("quy mô cấp xã", "at commune scale"),
            ("có yếu tố nước ngoài", "with a foreign element"),
        ],
    ),
    FieldWords(
        "Nông nghiệp và môi trường",
        "Agriculture and environment",
        5,
        [
            ("Đăng ký", "Registration of"),
            ("Xác nhận", "Confirmation of"),
            ("Hỗ trợ", "Support for"),
        ],
        [
            ("khai thác nước mặt", "surface-water abstraction"),
            ("kế hoạch bảo vệ môi trường", "an environmental protection plan"),
            ("kinh tế trang trại", "a farm business"),
            ("khôi phục sản xuất nông nghiệp", "restoring farm production"),
        ],
        [
            NO_QUALIFIER,
            ("sau thiên tai", "after a natural disaster"),
            ("quy mô hộ gia đình", "at household scale"),
        ],
    ),
    FieldWords(
        "Giáo dục và đào tạo",
        "Education",
        4,
        [
            ("Cho phép hoạt động", "Operating permit for"),
            ("Sáp nhập, chia, tách", "Merger or split of"),
            ("Giải thể", "Dissolution of"),
            ("Thành lập", "Establishment of"),
        ],
        [
            ("trường mầm non", "a preschool"),
            ("nhóm trẻ, lớp mẫu giáo độc lập", "an independent daycare group"),
            ("trường tiểu học", "a primary school"),
            ("trung tâm học tập cộng đồng", "a community learning centre"),
        ],
        [NO_QUALIFIER, ("tư thục", "(private)"), ("dân lập", "(community-founded)")],
    ),
    FieldWords(
        "Người có công",
        "People with meritorious services",
        4,
        [
            ("Giải quyết", "Granting"),
            ("Điều chỉnh", "Adjusting"),
            ("Hỗ trợ", "Support for"),
        ],
        [
            ("trợ cấp ưu đãi", "preferential allowance"),
            ("thăm viếng mộ liệt sĩ", "visits to martyrs' graves"),
            ("cải thiện nhà ở", "housing improvement"),
            ("bảo hiểm y tế", "health insurance"),
        ],
        [
            NO_QUALIFIER,
            ("đối với thân nhân liệt sĩ", "for martyrs' relatives"),
            ("đối với thương binh", "for war invalids"),
        ],
    ),
]

AUTHORITY = {
    "commune": ("Ủy ban nhân dân cấp xã", "Commune People's Committee"),
    "province": (
        "Cơ quan chuyên môn thuộc Ủy ban nhân dân thành phố Huế",
        "A department of Huế City People's Committee",
    ),
}


def synthetic_names(seed: int = DEFAULT_PROCEDURES):
    """(field, name_vi, name_en) in a fixed order, fields interleaved by their weight."""
    rng = random.Random(seed)
    pending = {}
    for words in FIELDS:
        combos = list(itertools.product(words.actions, words.objects, words.qualifiers))
        rng.shuffle(combos)
        pending[words.field_vi] = (words, combos)
    while pending:
        names = list(pending)
        name = rng.choices(names, weights=[pending[n][0].weight for n in names])[0]
        words, combos = pending[name]
        (action_vi, action_en), (object_vi, object_en), (qual_vi, qual_en) = combos.pop()
        if not combos:
            del pending[name]
        name_vi = " ".join(filter(None, [action_vi, object_vi, qual_vi]))
        name_en = " ".join(filter(None, [action_en, object_en, qual_en]))
        yield words, name_vi, name_en


def synthetic_records(needed: int, *, taken_codes: set[str], taken_names: set[str]) -> list:
    """`needed` importable procedures with national-looking codes 9.9xxxxx, none already used."""
    from procedures.importing import DocumentRecord, ProcedureRecord
    from procedures.text import fold

    rng = random.Random(DEFAULT_PROCEDURES + 1)
    records = []
    for index, (words, name_vi, name_en) in enumerate(synthetic_names(), start=1):
        if len(records) >= needed:
            break
        code = f"9.9{index:05d}"
        if code in taken_codes or fold(name_vi) in taken_names:
            continue
        level = "province" if rng.random() < words.province_share else "commune"
        authority_vi, authority_en = AUTHORITY[level]
        records.append(
            ProcedureRecord(
                line=index,
                code=code,
                name_vi=name_vi,
                name_en=name_en,
                field_vi=words.field_vi,
                field_en=words.field_en,
                level=level,
                processing_unit="working_days",
                processing_amount=Decimal(rng.choice([1, 2, 3, 5, 7, 10, 15, 20, 30])),
                fee_vnd=rng.choice([None, 0, 0, 10000, 20000, 50000, 100000]),
                online_level=rng.choice(["full", "partial", "partial", "none"]),
                authority_vi=authority_vi,
                authority_en=authority_en,
                legal_basis=["Nghị định 118/2025/NĐ-CP"],
                source="synthetic: bench/search.py",
                documents=[
                    DocumentRecord("Tờ khai theo mẫu", "Declaration form", "form", 1, True),
                    DocumentRecord(
                        "Giấy tờ tùy thân còn giá trị (xuất trình)",
                        "Valid identity document (shown at the desk)",
                        "original",
                        1,
                        True,
                    ),
                    DocumentRecord(
                        "Văn bản ủy quyền (nếu nộp thay)",
                        "Power of attorney (if filed by proxy)",
                        "original",
                        1,
                        False,
                    ),
                ],
            )
        )
    if len(records) < needed:
        raise SystemExit(f"only {len(records)} synthetic names available, {needed} needed")
    return records
