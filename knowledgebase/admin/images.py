"""Article images in the admin site: an upload page (the bytes checked by `image_upload`),
then the image's page with the Markdown to paste into an article."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from knowledgebase.admin.base import KnowledgeBaseAdmin, acting_member, acting_tenant
from knowledgebase.models import ArticleImage
from knowledgebase.services.images import (
    image_delete,
    image_inspect,
    image_markdown,
    image_upload,
)


class ImageUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("image"),
        help_text=_("A PNG, JPEG, GIF or WebP picture."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,"
                                                         "image/webp"}),
    )  # fmt: skip

    class Meta:
        model = ArticleImage
        fields = []

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            image_inspect(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        return upload


@admin.register(ArticleImage)
class ArticleImageAdmin(KnowledgeBaseAdmin):
    list_display = ["thumbnail", "name", "dimensions", "size_shown", "markdown", "created_at"]
    readonly_fields = ["thumbnail", "name", "markdown", "content_type", "dimensions",
                       "size_shown", "uploaded_by", "created_at"]  # fmt: skip
    search_fields = ["name"]
    list_select_related = ["tenant"]

    class Media:
        css = {"all": ["knowledgebase/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False  # an image never changes: upload another one

    def save_model(self, request, obj, form, change):
        tenant = acting_tenant(request, obj)
        stored = image_upload(tenant=tenant, file=form.cleaned_data["upload"],
                              uploaded_by=acting_member(request, tenant))  # fmt: skip
        obj.pk, obj.tenant, obj.name = stored.pk, stored.tenant, stored.name
        messages.success(
            request,
            gettext("Paste this into an article: %(markdown)s")
            % {"markdown": image_markdown(stored, tenant)},
        )

    def delete_model(self, request, obj):
        image_delete(tenant=obj.tenant, image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset.select_related("tenant"):
            image_delete(tenant=image.tenant, image=image)

    def response_add(self, request, obj, post_url_continue=None):
        # The image's own page, where its Markdown waits to be copied.
        return HttpResponseRedirect(
            reverse("admin:knowledgebase_articleimage_change", args=[obj.pk])
        )

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return format_html('<img class="kb-thumb" src="{}" alt="">', self._url(obj))

    @admin.display(description=_("Markdown to paste"))
    def markdown(self, obj):
        return format_html('<code class="kb-snippet">{}</code>', image_markdown(obj, obj.tenant))

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}"

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, obj):
        return filesizeformat(obj.size)

    def _url(self, obj):
        return reverse("help-image", args=[obj.tenant.slug, obj.pk, obj.name])
