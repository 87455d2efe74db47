from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("calls", "0006_call_queue")]

    operations = [
        migrations.AddField(
            model_name="call",
            name="generation",
            field=models.PositiveIntegerField(
                blank=True, default=0, null=True,
                help_text="Which send of the call is current: its message carries it, a worker drops a message of "
                          "another send, and the outbox sweeper raises it when it sends a lost message again. Null: "
                          "sent inside a workflow canvas, which the sweeper leaves alone."),
        ),
        migrations.AddIndex(
            model_name="call",
            index=models.Index(condition=models.Q(generation__gt=0), fields=["queue", "created"],
                               name="call_resent_idx"),
        ),
    ]
