from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from rekisteri.access.gate import PUBLIC_ROUTE, declare_route
from rekisteri.api.api import api

# Routes of third-party code: the language switch and the API's schema, docs and root are
# public (they hold no data).
for _route in ("set_language", "api:openapi-json", "api:openapi-view", "api:api-root"):
    declare_route(_route, PUBLIC_ROUTE)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rekisteri.health.urls")),
    path("api/v1/", api.urls),
    path("staff/", include("rekisteri.staff.urls")),
    path("staff/register/", include("rekisteri.register.urls")),
    path("staff/catalogue/", include("rekisteri.catalogue.urls")),
    path("staff/access/", include("rekisteri.access.urls")),
    path("staff/audit/", include("rekisteri.audit.urls")),
    path("staff/imports/", include("rekisteri.imports.urls")),
    path("staff/interactions/", include("rekisteri.interactions.urls")),
    path("staff/retention/", include("rekisteri.retention.urls")),
    path("staff/consent/", include("rekisteri.consent.urls")),
    path("staff/marketing/", include("rekisteri.marketing.urls")),
    path("staff/rights/", include("rekisteri.rights.urls")),
    path("staff/mail/", include("rekisteri.mail.urls")),
    # The notice app holds both the public /privacy/ pages and its staff pages (one namespace).
    path("", include("rekisteri.notice.urls")),
    path("staff/disclosures/", include("rekisteri.disclosures.urls")),
    path("staff/kyc/", include("rekisteri.kyc.urls")),
    path("staff/trade-register/", include("rekisteri.enrichment.urls")),
    path("staff/screening/", include("rekisteri.screening.urls")),
    path("staff/breaches/", include("rekisteri.breaches.urls")),
    path("staff/stats/", include("rekisteri.stats.urls")),
    path("staff/jobs/", include("rekisteri.jobs.urls")),
    # Public links in messages (unsubscribe, preferences, tracking, confirm): no login.
    path("m/", include("rekisteri.marketing.public_urls")),
    # The public pages for data subjects: no login.
    path("", include("rekisteri.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
