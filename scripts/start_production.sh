#!/usr/bin/env bash
# The production profile on one machine: HAProxy in front of N Rasa servers and M action servers,
# agenda and conversations in PostgreSQL, conversation locks and call memory in Redis, the console.
# Everything comes from the environment (secrets included; see .env.example and README "Production"):
#   ASSISTANT_DATABASE_URL=postgresql+psycopg2://… TRACKER_DB_HOST=… TRACKER_DB_NAME=… REDIS_HOST=…
#   ACTION_SERVER_TOKEN=… RASA_API_TOKEN=… [ASSISTANT_RASA_SERVERS=2 ASSISTANT_ACTION_SERVERS=2 SANIC_WORKERS=1]
#   bash scripts/start_production.sh [--demo] [--no-console]
# It never trains: the model is models/cabinet.tar.gz (make start, or rasa train). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installation de HAProxy (apt)…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null; }
  else
    echo "Erreur : HAProxy n'est pas installé ; installez-le : sudo apt-get install haproxy" >&2
    exit 2
  fi
fi
bash scripts/bootstrap.sh
exec .venv/bin/python -m assistant.production "$@"
