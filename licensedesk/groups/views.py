from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.core.errors import ServiceError
from licensedesk.core.ids import parse_id
from licensedesk.exports import formats
from licensedesk.groups import export, queries, services
from licensedesk.groups.forms import GroupForm
from licensedesk.licenses import codes, selection
from licensedesk.licenses.pages import LicensePaginator, Listing


def _visible_group(request, group_id):
    return get_object_or_404(queries.find_groups(request.user), pk=group_id)


@access.license_role_required
def group_list(request):
    search = request.GET.get("q", "")
    page = Paginator(queries.find_groups(request.user, search), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "groups/group_list.html", {"page": page, "q": search})


@access.license_role_required
def group_export(request):
    """The groups the page lists with its search, each with its SLCs (`?format=…`)."""
    return formats.download(request, export.TABLE)


def _save(request, form, group=None):
    """Create or update from the form: the picker posts add and remove (SLCs separated by
    spaces), the fallback box a list of codes to add."""
    add_codes, remove_codes, typed = form.license_changes(request.POST)
    data = form.cleaned_data
    if group is None:  # a new group holds what was added and not removed again
        removed = {codes.normalize(code) for code in remove_codes}
        return services.create_group(
            request.user,
            name=data["name"],
            description=data["description"],
            slcs={codes.normalize(code) for code in [*add_codes, *typed]} - removed,
            request=request,
        )
    add = services.visible_license_ids(request.user, slcs=[*add_codes, *typed])
    remove = services.visible_license_ids(request.user, slcs=remove_codes)
    return services.update_group(
        request.user,
        group,
        name=data["name"],
        description=data["description"],
        add=add,
        remove=remove,
        request=request,
    )


@access.license_role_required
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = _save(request, form)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The group “{group.name}” was created.")
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_form.html", _form_context(request, form, adding=True))


def _form_context(request, form, **context) -> dict:
    """The form page; after a refused save, with what the picker had picked."""
    if form.is_bound:
        context["picks"] = queries.picks_to_restore(request.user, request.POST)
    return {"form": form, **context}


@access.license_role_required
def group_edit(request, group_id):
    group = _visible_group(request, group_id)
    access.require(request, access.can_edit_group(request.user, group), "edit_group")
    form = GroupForm(
        request.POST or None, initial={"name": group.name, "description": group.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = _save(request, form, group)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The group “{group.name}” was saved.")
            return redirect("groups:detail", group_id=group.pk)
    return render(
        request, "groups/group_form.html", _form_context(request, form, adding=False, group=group)
    )


@access.license_role_required
def group_detail(request, group_id):
    group = _visible_group(request, group_id)
    listing = Listing(request.user, {"group": group.pk})
    page = LicensePaginator(listing, 50).get_page(request.GET.get("page"))
    context = {
        "group": group,
        "page": page,
        "can_edit": access.can_edit_group(request.user, group),
        "can_grant": access.can_manage_visibility(request.user),
    }
    if context["can_grant"]:
        context["license_users"] = access.license_users_of(request.user)
    return render(request, "groups/group_detail.html", context)


@access.license_role_required
def group_delete(request, group_id):
    group = _visible_group(request, group_id)
    access.require(request, access.can_edit_group(request.user, group), "edit_group")
    if request.method == "POST":
        services.delete_group(request.user, group, request=request)
        messages.success(request, f"The group “{group.name}” was deleted; its licenses are kept.")
        return redirect("groups:list")
    return render(request, "groups/group_delete.html", {"group": group})


@require_POST
@access.license_role_required
def group_grant(request, group_id):
    group = _visible_group(request, group_id)
    access.require(request, access.can_manage_visibility(request.user), "license_visibility")
    try:
        new = services.grant_group(request.user, group, request.POST.get("user_id"), request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Granted {new} more license(s). Licenses added to the group "
            "later are not granted automatically.",
        )
    return redirect("groups:detail", group_id=group.pk)


@require_POST
@access.license_role_required
def add_to_group(request):
    """From the Licenses page: add the selected licenses to a group."""
    back = request.POST.get("back", "")
    group_id = request.POST.get("group_id", "").strip()
    ticked = request.POST.getlist("license_ids")
    if not ticked or not group_id:
        messages.error(request, "Choose a group first." if ticked else "Select licenses first.")
        selection.keep(request, selection.ticked_ids(request.POST))  # they come back ticked
        return redirect("/licenses/" + ("?" + back if back else ""))
    group = get_object_or_404(access.groups_visible_to(request.user), pk=parse_id(group_id) or 0)
    access.require(request, access.can_edit_group(request.user, group), "edit_group")
    try:
        added = services.add_licenses(
            request.user, group, ids=request.POST.getlist("license_ids"), request=request
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        selection.keep(request, selection.ticked_ids(request.POST))
    else:
        messages.success(request, f"Added {added} license(s) to “{group.name}”.")
    return redirect("/licenses/" + ("?" + back if back else ""))
