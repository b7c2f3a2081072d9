"""The marketing services' input errors, for the translations.

The services raise them in English (`MarketingInputError`, also the API's answer); the staff
pages show them through `{{ message|service_message }}` (`{% load ui %}`), which looks them up
in the user's language. A new message of the services is added here.
"""

from django.utils.translation import gettext_noop

INPUT_MESSAGES = (
    gettext_noop("is required"),
    gettext_noop("a list with this name exists"),
    gettext_noop("must be single or double"),
    gettext_noop("belongs to another group company than the list"),
    gettext_noop("a segment stays with its group company"),
    gettext_noop("a segment with this name exists"),
    gettext_noop("must be marketing or service"),
    gettext_noop("give a subject in at least one language"),
    gettext_noop("give a message in at least one language"),
    gettext_noop("lists and segments must be of the campaign's group company"),
    gettext_noop("only a draft can be changed"),
    gettext_noop("a campaign stays with its group company"),
    gettext_noop("must not contain control characters"),
    gettext_noop("must be a whole number"),
)
