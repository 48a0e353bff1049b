"""Exception hierarchy of options-nt.

Every error raised on purpose by this package derives from :class:`OptionsNTError`.
Errors about bad configuration or bad input data also derive from :class:`ValueError`,
so callers that already catch ``ValueError`` keep working.
"""

from __future__ import annotations


class OptionsNTError(Exception):
    """Root of all errors raised by options-nt."""


class ConfigError(OptionsNTError, ValueError):
    """A configuration value is invalid.

    Parameters
    ----------
    field : str
        The name of the offending field (e.g. ``"risk_per_trade_pct"``).
    message : str
        What is wrong with it.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class DataError(OptionsNTError, ValueError):
    """Input data is invalid.

    Parameters
    ----------
    message : str
        What is wrong.
    file : str, optional
        The file the bad data came from.
    row : int, optional
        The 1-based data row (header excluded) of the first bad value.
    column : str, optional
        The column of the bad value.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        where = [
            part
            for part in (
                file,
                f"row {row}" if row is not None else None,
                f"column '{column}'" if column is not None else None,
            )
            if part
        ]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class MissingExtraError(OptionsNTError, ImportError):
    """A feature needs an optional dependency that is not installed.

    Parameters
    ----------
    feature : str
        What needs it (e.g. ``"the Kite feed"``).
    module : str
        The missing module (also the ``name`` of the :class:`ImportError`).
    extra : str
        The package extra that installs it.
    """

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the {module} package: pip install 'options-nt[{extra}]'",
            name=module,
        )
