from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.accounts import services, tokens, two_factor
from licensedesk.accounts.models import PersonalAccessToken
from licensedesk.api.openapi import errors

router = Router(tags=["users"])

RoleName = Literal["license_admin", "license_user", "none"]


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    country: str


class UserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    job_title: str
    role: str
    is_company_admin: bool
    is_active: bool
    invitation_pending: bool
    date_joined: datetime

    @staticmethod
    def resolve_invitation_pending(obj) -> bool:
        return not obj.has_usable_password()


class MeOut(UserOut):
    organization: OrganizationOut | None


class StrictSchema(Schema):
    model_config = {"extra": "forbid"}


class UserCreate(StrictSchema):
    email: str = Field(max_length=254)
    first_name: str = Field(max_length=150)
    last_name: str = Field(max_length=150)
    phone: str = Field("", max_length=40)
    job_title: str = Field("", max_length=100)
    role: RoleName = "license_user"
    is_company_admin: bool = False


class UserPatch(StrictSchema):
    email: str | None = Field(None, max_length=254)
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=40)
    job_title: str | None = Field(None, max_length=100)
    role: RoleName | None = None
    is_company_admin: bool | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreate(StrictSchema):
    name: str = Field(max_length=100)


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. It is shown this once only.")


@router.get("/me", response=MeOut, tags=["me"])
def me(request):
    return request.auth


def _admin_users(request):
    access.require(request, access.is_company_admin(request.auth), "company_admin")
    return access.users_visible_to(request.auth)


@router.get("/users", response=list[UserOut])
@paginate
def list_users(request, include_deleted: bool = False):
    users = _admin_users(request)
    if not include_deleted:
        users = users.filter(is_active=True)
    return users.order_by("last_name", "first_name", "id")


@router.post("/users", response={201: UserOut}, openapi_extra=errors(409))
def create_user(request, payload: UserCreate):
    _admin_users(request)
    return 201, services.invite_user(request.auth, payload.dict(), request=request)


@router.get("/users/{id:user_id}", response=UserOut)
def get_user(request, user_id: int):
    return get_object_or_404(_admin_users(request), pk=user_id)


@router.patch("/users/{id:user_id}", response=UserOut, openapi_extra=errors(409))
def patch_user(request, user_id: int, payload: UserPatch):
    user = get_object_or_404(_admin_users(request), pk=user_id, is_active=True)
    return services.update_user(request.auth, user, payload.dict(exclude_unset=True), request)


@router.delete("/users/{id:user_id}", response={204: None}, openapi_extra=errors(400))
def delete_user(request, user_id: int):
    user = get_object_or_404(_admin_users(request), pk=user_id, is_active=True)
    services.deactivate_user(request.auth, user, request=request)
    return 204, None


@router.get("/tokens", response=list[TokenOut], tags=["tokens"])
@paginate
def list_tokens(request):
    return PersonalAccessToken.objects.filter(user=request.auth)


@router.post("/tokens", response={201: TokenCreated}, tags=["tokens"], openapi_extra=errors(429))
def create_token(request, payload: TokenCreate):
    two_factor.check_can_create_token(request)
    token, secret = tokens.create_token(request.auth, payload.name, request=request)
    token.token = secret
    return 201, token


@router.delete("/tokens/{id:token_id}", response={204: None}, tags=["tokens"])
def revoke_token(request, token_id: int):
    token = get_object_or_404(PersonalAccessToken, pk=token_id, user=request.auth)
    tokens.revoke_token(token, request=request)
    return 204, None
