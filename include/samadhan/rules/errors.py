"""The error raised for a scheme rules file that cannot be used."""

from __future__ import annotations


class RulesError(ValueError):
    """A rules file that is missing, not YAML, or breaks the format.

    `problems` contains one message per problem, each naming the file, the key path and the problem;
    `str(error)` joins them one per line.
    """

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
