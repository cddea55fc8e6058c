"""Typed exceptions raised by zoneopt.

Library code never prints and never exits; it raises one of these. Each carries the exit code
the command line uses for it, so the CLI maps an error to a code in one place:

====  =============================================================
code  meaning
====  =============================================================
0     solved: optimal, or feasible within the requested MIP gap
2     invalid input: instance, rule, option or model a backend can't take
3     the plan is infeasible or unbounded
4     no solution: time limit without a solution, solver failure, a
      solution that failed the independent check, or two backends'
      optima that disagree (``--certify``)
130   interrupted (SIGINT or SIGTERM)
====  =============================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Diagnosis(Protocol):
    """What an :class:`InfeasibleError` carries from a diagnosis
    (:class:`zoneopt.core.diagnose.Diagnosis`); stated here so the errors import nothing."""

    @property
    def feasible(self) -> bool: ...

    def message(self) -> str: ...


class ZoneoptError(Exception):
    """Base class of every error zoneopt raises on purpose."""

    exit_code: int = 1


@dataclass(frozen=True)
class Issue:
    """One problem found in the input: where it is (a JSON path such as
    ``zones[12].land_area_mu``) and why it is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidInputError(ZoneoptError):
    """Input that cannot be used: a malformed instance, an unknown option, a bad model."""

    exit_code = 2


class InstanceError(InvalidInputError):
    """An instance failed validation. ``issues`` lists every problem found, each naming the
    JSON path at fault; the message shows the first few."""

    def __init__(self, issues: Sequence[Issue], source: str | None = None) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.source = source
        shown = "; ".join(str(i) for i in self.issues[:5])
        more = f" (and {len(self.issues) - 5} more)" if len(self.issues) > 5 else ""
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{shown}{more}")


class ModelError(InvalidInputError):
    """A core model is malformed (shapes, bounds, NaN), or a file could not be read as one."""


class UnsupportedModelError(InvalidInputError):
    """The chosen backend cannot take this model (e.g. GLOP with integer variables)."""


class UnknownBackendError(InvalidInputError):
    """No backend of that name."""


class InconsistentJudgementError(InvalidInputError):
    """An AHP pairwise comparison matrix is too inconsistent to use: its consistency ratio CR
    exceeds the threshold (Saaty's 0.1). The message gives CR; ``cr`` holds it."""

    def __init__(self, message: str, cr: float = float("nan")) -> None:
        self.cr = cr
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InconsistentJudgementError], tuple[str, float]]:
        # keep ``cr`` when the error crosses a process boundary (pickle)
        return (type(self), (str(self), self.cr))


class InfeasibleError(ZoneoptError):
    """The rules cannot all hold at once. ``diagnosis`` (a :class:`zoneopt.core.diagnose.Diagnosis`,
    or None when none was made) names an irreducible set of conflicting rules and the least
    change of each that restores feasibility."""

    exit_code = 3

    def __init__(self, message: str, diagnosis: Diagnosis | None = None) -> None:
        self.diagnosis = diagnosis
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InfeasibleError], tuple[str, Diagnosis | None]]:
        # keep ``diagnosis`` when the error crosses a process boundary (pickle)
        return (type(self), (str(self), self.diagnosis))


class UnboundedError(ZoneoptError):
    """The objective can grow without limit: a pool or cap is missing."""

    exit_code = 3


class NoSolutionError(ZoneoptError):
    """The solver returned no usable solution (time limit, numerical failure, crash)."""

    exit_code = 4


class SolutionCheckError(NoSolutionError):
    """A solver's answer failed the independent check against the model; it is never
    reported as a result."""


class CertificationError(NoSolutionError):
    """A certified solve (``certify=True``, ``--certify``) found that a second backend disagrees
    with the first: a better point than the first backend's bound, a point where the first
    said infeasible, or no answer to compare with. The message gives both backends' values."""


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop (SIGINT or SIGTERM) outside a solve. A ``KeyboardInterrupt``,
    so ``except Exception`` in library code does not swallow it; ``signal`` names the signal."""

    exit_code = 130

    def __init__(self, signal: str = "SIGINT") -> None:
        self.signal = signal
        super().__init__(f"interrupted by {signal}")


__all__ = [
    "Issue",
    "ZoneoptError",
    "InvalidInputError",
    "InstanceError",
    "ModelError",
    "UnsupportedModelError",
    "UnknownBackendError",
    "InconsistentJudgementError",
    "InfeasibleError",
    "UnboundedError",
    "NoSolutionError",
    "SolutionCheckError",
    "CertificationError",
    "Interrupted",
]
