from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import public, staff
from rekisteri.access.selectors import scope_for
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.staff.dashboard import dashboard


@public
class StaffLoginView(LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True


@require_POST
@public
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("staff:login")


@staff
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    board = dashboard(scope=scope, actor=actor_of(request.user, ip=client_ip(request)))
    context = {
        "scope": scope,
        "purposes": sorted(scope.purposes),
        "blocks": board.blocks,
        # the search and the add buttons only for those who keep the register
        "can_register": scope.can(Cap.KEEP_REGISTER),
        "board": board.data,
    }
    return render(request, "staff/home.html", context)
