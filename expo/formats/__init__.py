"""Date and time formats of the portal, one set per language (``FORMAT_MODULE_PATH``): the admin, the public pages,
the emails and the gate all show a date the same way in a given language."""
