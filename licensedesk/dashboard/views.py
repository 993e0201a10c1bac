from django.shortcuts import render

from licensedesk import access


def home(request):
    user = request.user
    context = {"is_partner": access.is_partner_user(user)}
    if access.is_company_admin(user):
        context["user_count"] = access.users_visible_to(user).filter(is_active=True).count()
    return render(request, "dashboard/home.html", context)
