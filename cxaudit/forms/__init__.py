"""Web forms, one module per admin area, with the value rules the CLI shares."""


class InvalidValue(ValueError):
    """A value typed by a user breaks a rule; the message is translated and names the value."""
