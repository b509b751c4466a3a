"""Addresses of the public help center, under /help/<tenant slug>/: anonymous pages of the
tenant's published articles, each in a language named in the address."""

from django.urls import path

from knowledgebase.views.article import HelpArticleView, HelpFeedbackView
from knowledgebase.views.category import HelpCategoryView
from knowledgebase.views.help_key import HelpKeyView, HelpWidgetView
from knowledgebase.views.home import HelpHomeRedirectView, HelpHomeView
from knowledgebase.views.search import HelpSearchView
from knowledgebase.views.sitemap import HelpSitemapView

urlpatterns = [
    path("<slug:tenant_slug>/", HelpHomeRedirectView.as_view(), name="help-home"),
    path("<slug:tenant_slug>/sitemap.xml", HelpSitemapView.as_view(), name="help-sitemap"),
    path("<slug:tenant_slug>/widget/", HelpWidgetView.as_view(), name="help-widget"),
    path("<slug:tenant_slug>/key/<str:help_key>/", HelpKeyView.as_view(), name="help-key"),
    path("<slug:tenant_slug>/<str:lang>/", HelpHomeView.as_view(), name="help-home-lang"),
    path("<slug:tenant_slug>/<str:lang>/search/", HelpSearchView.as_view(), name="help-search"),
    path(
        "<slug:tenant_slug>/<str:lang>/c/<str:category_slug>/",
        HelpCategoryView.as_view(),
        name="help-category",
    ),
    path(
        "<slug:tenant_slug>/<str:lang>/a/<str:slug>/",
        HelpArticleView.as_view(),
        name="help-article",
    ),  # fmt: skip
    path(
        "<slug:tenant_slug>/<str:lang>/a/<str:slug>/feedback/",
        HelpFeedbackView.as_view(),
        name="help-feedback",
    ),
]
