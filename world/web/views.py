"""Pages for people. The play page is one template and a small JS module; all play goes through the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from accounts.selectors import account_out


@require_safe
def home(request: HttpRequest) -> HttpResponseRedirect:
    """Staff land in the admin (where worlds are built); everyone else on the play page."""
    if request.user.is_authenticated and request.user.is_staff:
        return HttpResponseRedirect(reverse("admin:index"))
    return HttpResponseRedirect(reverse("play"))


@require_safe
@ensure_csrf_cookie  # the page's POSTs are session-authenticated, so they send this cookie's token back
def play_page(request: HttpRequest) -> HttpResponse:
    # Who is logged in is rendered into the page, so the client never probes the API for a 401 first.
    account = account_out(request.user) if request.user.is_authenticated else None
    return render(request, "play/index.html", {"account": account})
