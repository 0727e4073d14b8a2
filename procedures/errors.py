from portal.core.errors import DomainError


class ImportFailed(DomainError):
    code = "import_failed"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class BadCalendarQuery(DomainError):
    code = "invalid_query"
