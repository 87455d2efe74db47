# One image for every role (web, scheduler, agent); the command picks the role.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm install --no-audit --no-fund --no-save
COPY frontend/ ./
RUN mkdir -p ../static && npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 ELASTICCODE_STATE_DIR=/var/lib/elasticcode
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY apps/ apps/
COPY flowsite/ flowsite/
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache .
COPY . .
COPY --from=frontend /src/static/app/ static/app/
RUN useradd --create-home elasticcode && mkdir -p /var/lib/elasticcode && chown elasticcode /var/lib/elasticcode
USER elasticcode
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "flowsite.asgi:application"]
