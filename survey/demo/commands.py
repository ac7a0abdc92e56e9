import click
from flask.cli import with_appcontext

from survey import migrate
from survey.db import get_engine

DEMO_PASSWORD = "laichau-demo"


@click.command("demo")
@click.option("--responses", default=400, show_default=True, help="Desk ratings to generate.")
@with_appcontext
def demo_command(responses):
    """Migrate, then add demo units, service points, users and responses (skips what exists)."""
    from survey.demo import seed, waves
    from survey.demo.entry import ensure_entry_demo

    migrate.upgrade(get_engine())
    click.echo(seed.ensure_units())
    click.echo(seed.ensure_users(DEMO_PASSWORD))
    click.echo(seed.ensure_service_points())
    click.echo(seed.ensure_responses(responses))
    click.echo(waves.ensure_wave())
    click.echo(ensure_entry_demo())
    click.echo(f"Demo accounts (password {DEMO_PASSWORD}): "
               + ", ".join(f"{name} ({role})" for name, (role, _) in seed.DEMO_USERS.items()))
