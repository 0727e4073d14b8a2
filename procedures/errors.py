from portal.core.errors import DomainError, ErrorCode


class ImportFailed(DomainError):
    code = ErrorCode.IMPORT_FAILED

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class BadCalendarQuery(DomainError):
    code = ErrorCode.INVALID_QUERY
