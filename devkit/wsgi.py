"""WSGI entry point with the simulator mounted: `gunicorn -c config/gunicorn.conf.py devkit.wsgi:app`.

For a shared test environment against a local fake WeCom API (BOT_SIMULATOR=1); install()
refuses production credentials (devkit/simulator/guard.py).
"""
from bot.web.app import create_app
from devkit.simulator import install

app = create_app()
install(app)
