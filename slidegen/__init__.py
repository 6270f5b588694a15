"""slidegen: an AI slide-deck generator that runs as a Databricks App (pure Python on Reflex)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("slidegen")
except PackageNotFoundError:  # running from a deployed folder without an install
    __version__ = "0.1.0"
