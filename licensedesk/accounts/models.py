from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify


class Organization(models.Model):
    """A partner company: the tenant every piece of partner data belongs to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    country = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    require_2fa_for_admins = models.BooleanField(
        "require two-factor authentication for company administrators", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "partner company"
        verbose_name_plural = "partner companies"

    def __str__(self):
        return self.name

    @classmethod
    def unique_slug_for(cls, name: str) -> str:
        base = slugify(name)[:70] or "company"
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class Role(models.TextChoices):
    LICENSE_ADMIN = "license_admin", "License Admin"
    LICENSE_USER = "license_user", "License User"
    NONE = "none", "No license role"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.NONE)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person: a partner company's user, or (organization empty, is_staff) vendor staff."""

    username = None
    email = models.EmailField("email address", unique=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LICENSE_USER)
    is_company_admin = models.BooleanField("company administrator", default=False)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class PersonalAccessToken(models.Model):
    """An API credential of one user. Only a SHA-256 of the secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PendingSignup(models.Model):
    """A sign-up waiting for its emailed link to be followed: nothing exists in the company
    tables until then. The password is kept only as its hash."""

    email = models.EmailField(db_index=True)
    company_name = models.CharField(max_length=200)
    country = models.CharField(max_length=100)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    phone = models.CharField(max_length=40, blank=True)
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.company_name})"
