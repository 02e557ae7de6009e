"""Errors the store raises; the server turns them into clear messages."""


class StoreError(RuntimeError):
    """The database cannot be used."""


class WrongKeyError(StoreError):
    """The key does not open the existing database."""


class MissingKeyError(StoreError):
    """A database exists but its key is nowhere to be found."""


class ConflictError(StoreError):
    """A uniqueness rule was broken; `field` names which."""

    def __init__(self, field: str):
        super().__init__(f"{field} already in use")
        self.field = field
