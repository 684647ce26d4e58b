"""Search: a first post carries its thread's title, so words split between title and text find the thread.
Board lists: counters per community (and for shared threads), so a member is never shown a count that includes
threads local to another community.

A generated column's expression cannot be altered in place: the post's search vector (and its GIN index) is
dropped and made again, which PostgreSQL fills for every row.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forum', '0003_circles_reactions_profiles_search'),
        ('reconnect', '0004_invitation_email_sent_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='post',
            name='thread_title',
            field=models.CharField(blank=True, default='', editable=False, max_length=120),
        ),
        migrations.RunSQL(
            "UPDATE forum_post SET thread_title = t.title FROM forum_thread t "
            "WHERE forum_post.thread_id = t.id AND forum_post.number = 1",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveIndex(model_name='post', name='forum_post_search'),
        migrations.RemoveField(model_name='post', name='search_vector'),
        migrations.AddField(
            model_name='post',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('thread_title', 'body', config='norwegian'), '||', django.contrib.postgres.search.SearchVector('thread_title', 'body', config='english'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='post',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='forum_post_search'),
        ),
        migrations.CreateModel(
            name='BoardCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('thread_count', models.PositiveIntegerField(default=0)),
                ('post_count', models.PositiveIntegerField(default=0)),
                ('last_post_at', models.DateTimeField(blank=True, null=True)),
                ('board', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='counts', to='forum.board')),
                ('community', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reconnect.community')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('board', 'community'), name='forum_boardcount_once', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(
            """
            INSERT INTO forum_boardcount (board_id, community_id, thread_count, post_count, last_post_at)
            SELECT board_id, community_id, count(*), sum(post_count), max(last_post_at)
              FROM forum_thread WHERE board_id IS NOT NULL GROUP BY board_id, community_id
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
