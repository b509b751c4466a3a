
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import knowledgebase.models.media
import knowledgebase.models.settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tenants', '0005_webhooks'),
    ]

    operations = [
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('tutorial', 'Tutorial'), ('faq', 'FAQ'), ('doc', 'Product doc'), ('announcement', 'Announcement')], default='tutorial', max_length=16, verbose_name='kind')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('scheduled', 'Scheduled')], default='draft', max_length=12, verbose_name='status')),
                ('publish_at', models.DateTimeField(blank=True, null=True, verbose_name='publish at')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('help_key', models.CharField(blank=True, help_text='A stable name your product links to (/help/<tenant>/key/<help key>/); letters, digits, dots, hyphens and underscores.', max_length=100, verbose_name='help key')),
                ('external_id', models.CharField(blank=True, max_length=200, verbose_name='external id')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenants.membership', verbose_name='author')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'article',
                'verbose_name_plural': 'articles',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ArticleImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=300, upload_to=knowledgebase.models.media.image_path, verbose_name='file')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('content_type', models.CharField(max_length=40)),
                ('size', models.PositiveIntegerField()),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenants.membership')),
            ],
            options={
                'verbose_name': 'image',
                'verbose_name_plural': 'images',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ArticleTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], max_length=8, verbose_name='language')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('slug', models.SlugField(allow_unicode=True, max_length=200, verbose_name='slug')),
                ('summary', models.CharField(blank=True, max_length=500, verbose_name='summary')),
                ('body', models.TextField(blank=True, verbose_name='body (Markdown)')),
                ('tags', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=60), blank=True, default=list, size=None, verbose_name='tags')),
                ('body_html', models.TextField(default='', editable=False)),
                ('toc', models.JSONField(default=list, editable=False)),
                ('plain', models.TextField(default='', editable=False)),
                ('search', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('fuzzy', models.TextField(default='', editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='knowledgebase.article')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'translation',
                'verbose_name_plural': 'translations',
                'ordering': ['article_id', 'language'],
            },
        ),
        migrations.CreateModel(
            name='ArticleRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='revision')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('slug', models.SlugField(allow_unicode=True, max_length=200, verbose_name='slug')),
                ('summary', models.CharField(blank=True, max_length=500, verbose_name='summary')),
                ('body', models.TextField(blank=True, verbose_name='body (Markdown)')),
                ('tags', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=60), blank=True, default=list, size=None)),
                ('saved_at', models.DateTimeField(auto_now_add=True, verbose_name='saved')),
                ('saved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenants.membership')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                ('translation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='knowledgebase.articletranslation')),
            ],
            options={
                'verbose_name': 'revision',
                'verbose_name_plural': 'revisions',
                'ordering': ['-number'],
            },
        ),
        migrations.CreateModel(
            name='ArticleViewDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], max_length=8)),
                ('day', models.DateField()),
                ('views', models.PositiveIntegerField(default=0)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='view_days', to='knowledgebase.article')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
        ),
        migrations.CreateModel(
            name='Category',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(allow_unicode=True, max_length=80, verbose_name='slug')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('name', models.JSONField(default=dict, verbose_name='name')),
                ('description', models.JSONField(blank=True, default=dict, verbose_name='description')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('parent', models.ForeignKey(blank=True, help_text='Leave empty for a top-level category; choose one to make this a section.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='knowledgebase.category', verbose_name='category')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'category',
                'verbose_name_plural': 'categories',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='category',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='knowledgebase.category', verbose_name='category or section'),
        ),
        migrations.CreateModel(
            name='HelpCenter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(blank=True, max_length=120, verbose_name='title')),
                ('languages', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], max_length=8), default=knowledgebase.models.settings.default_languages, size=None, verbose_name='languages')),
                ('fallback_language', models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], default='en', max_length=8, verbose_name='fallback language')),
                ('widget_origins', models.TextField(blank=True, verbose_name='widget origins')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'help center',
                'verbose_name_plural': 'help centers',
            },
        ),
        migrations.CreateModel(
            name='RelatedArticle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='related_links', to='knowledgebase.article')),
                ('related', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='knowledgebase.article', verbose_name='related article')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'related article',
                'verbose_name_plural': 'related articles',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SearchQuery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], max_length=8)),
                ('query', models.CharField(max_length=200)),
                ('results', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
        ),
        migrations.CreateModel(
            name='SlugRedirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], max_length=8)),
                ('old_slug', models.SlugField(allow_unicode=True, max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slug_redirects', to='knowledgebase.article')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'old address',
                'verbose_name_plural': 'old addresses',
            },
        ),
        migrations.CreateModel(
            name='ArticleFeedback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('zh-hans', '简体中文'), ('ru', 'Русский'), ('ro', 'Română')], max_length=8)),
                ('helpful', models.BooleanField(verbose_name='helpful')),
                ('reason', models.CharField(blank=True, choices=[('unclear', 'Hard to understand'), ('incomplete', 'Missing information'), ('wrong', 'Incorrect or out of date'), ('other', 'Something else')], max_length=12, verbose_name='reason')),
                ('comment', models.CharField(blank=True, max_length=1000, verbose_name='comment')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='knowledgebase.article')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'feedback',
                'verbose_name_plural': 'feedback',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['tenant', 'article', 'helpful'], name='knowledgeba_tenant__7c6ccc_idx')],
            },
        ),
        migrations.AddIndex(
            model_name='articletranslation',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search'], name='kb_translation_search'),
        ),
        migrations.AddConstraint(
            model_name='articletranslation',
            constraint=models.UniqueConstraint(fields=('tenant', 'article', 'language'), name='kb_translation_language'),
        ),
        migrations.AddConstraint(
            model_name='articletranslation',
            constraint=models.UniqueConstraint(fields=('tenant', 'language', 'slug'), name='kb_translation_slug'),
        ),
        migrations.AddConstraint(
            model_name='articlerevision',
            constraint=models.UniqueConstraint(fields=('tenant', 'translation', 'number'), name='kb_revision_number'),
        ),
        migrations.AddConstraint(
            model_name='articleviewday',
            constraint=models.UniqueConstraint(fields=('tenant', 'article', 'language', 'day'), name='kb_view_day'),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.UniqueConstraint(fields=('tenant', 'slug'), name='kb_category_slug'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['tenant', 'status', 'publish_at'], name='knowledgeba_tenant__e76865_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['tenant', 'category', 'status'], name='knowledgeba_tenant__5a227a_idx'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.UniqueConstraint(condition=models.Q(('help_key', ''), _negated=True), fields=('tenant', 'help_key'), name='kb_article_help_key'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.UniqueConstraint(condition=models.Q(('external_id', ''), _negated=True), fields=('tenant', 'external_id'), name='kb_article_external_id'),
        ),
        migrations.AddConstraint(
            model_name='helpcenter',
            constraint=models.UniqueConstraint(fields=('tenant',), name='helpcenter_tenant'),
        ),
        migrations.AddConstraint(
            model_name='relatedarticle',
            constraint=models.UniqueConstraint(fields=('tenant', 'article', 'related'), name='kb_related'),
        ),
        migrations.AddConstraint(
            model_name='relatedarticle',
            constraint=models.CheckConstraint(condition=models.Q(('article', models.F('related')), _negated=True), name='kb_related_not_self'),
        ),
        migrations.AddIndex(
            model_name='searchquery',
            index=models.Index(fields=['tenant', 'created_at'], name='knowledgeba_tenant__479ed0_idx'),
        ),
        migrations.AddConstraint(
            model_name='slugredirect',
            constraint=models.UniqueConstraint(fields=('tenant', 'language', 'old_slug'), name='kb_slug_redirect'),
        ),
    ]
