"""Every error a user can fix, in one leaf module that every layer may import.

A :class:`UserError` (and each subclass) is printed by the command line as one message and ends
the run with exit code 2. :class:`Busy` (another run holds a lock: :class:`ReportsLocked`,
:class:`DataLocked`) ends it with exit code 3. :class:`ReportTimeout` is not a user error: it
fails one report, and the run ends with exit code 1. The contract, for schedulers, is in
docs/scheduling.md.
"""

from __future__ import annotations

from collections.abc import Sequence


class UserError(Exception):
    """An error the user can fix: printed as one message, exit code 2."""


class ValidationError(UserError):
    """A table breaks its schema. The message is the first problem; ``problems`` holds all.

    Each problem is an ``analysis.data.validate.Problem``, whose text names file, row and column.
    """

    def __init__(self, problems: Sequence[object], hint: str = "") -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        text = str(self.problems[0])
        if more:
            text += f" (and {more} more problem{'s' if more > 1 else ''}{hint})"
        super().__init__(text)


class UnknownRegency(UserError):
    """A name matched no regency."""


class AmbiguousRegency(UserError):
    """A name matched more than one regency."""


class ParameterError(UserError):
    """A parameter or assumption file is invalid; the message names file, entry and field."""


class ParameterLookupError(ParameterError, LookupError):
    """No such parameter, or no value of it in force on the date asked for."""


class ScenarioError(UserError):
    """A scenario file that cannot be used: names the file, the key path and the problem."""


class Busy(RuntimeError):
    """Another run holds the lock this one needs: exit code 3, try again later."""


class ReportsLocked(Busy):
    """Another report build is writing to the same output folder."""


class DataLocked(Busy):
    """Another ``data import`` is writing to the user data folder."""


class ReportTimeout(TimeoutError):
    """A report notebook ran longer than its time limit."""
