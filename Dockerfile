# Bassin's command line in a small image; docker-compose.yml wires it to PostgreSQL and Elasticsearch.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BASSIN_DATA_DIR=/data

WORKDIR /app

# The default image is lean: the offline default (USE multilingual, numpy) needs no torch. Build with
# `--build-arg EXTRAS=transformers` for sentence-transformers models and the cross-encoder; torch then comes
# CPU-only from the PyTorch index first (PyPI's build pulls several GB of CUDA libraries), in a layer that
# stays cached while the code changes.
ARG EXTRAS=""
RUN if [ -n "$EXTRAS" ]; then pip install --index-url https://download.pytorch.org/whl/cpu torch; fi

COPY pyproject.toml README.md ./
COPY bassin ./bassin
COPY agent ./agent
COPY tools ./tools
COPY prompts ./prompts
COPY ingestion ./ingestion
COPY app ./app
COPY api ./api
COPY domain ./domain
COPY retrieval ./retrieval
COPY referentials ./referentials
COPY scoring ./scoring
COPY store ./store
COPY services ./services
COPY cv ./cv
COPY offline ./offline
COPY ui ./ui
COPY evals ./evals
COPY bench ./bench
COPY data ./data

# Editable: the referentials are read from data/ next to the code (referentials/geo/data.py), so the code
# must run from /app rather than from a copy in site-packages.
RUN pip install -e ".${EXTRAS:+[$EXTRAS]}" \
    && useradd --create-home --uid 1000 bassin \
    && mkdir -p /data \
    && chown bassin:bassin /data

USER bassin
VOLUME ["/data"]

CMD ["bassin", "--help"]
