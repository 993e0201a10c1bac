from django.shortcuts import render

from licensedesk import access
from licensedesk.dashboard.overview import dashboard_for


def home(request):
    user = request.user
    is_partner = access.is_partner_user(user)
    board = dashboard_for(user) if is_partner else None
    return render(request, "dashboard/home.html", {"is_partner": is_partner, "board": board})
