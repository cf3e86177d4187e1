# The sandbox image: a Python 3.11 kernel, nbclient and numpy in a venv, run
# as an unprivileged user.  Built by `takehome image build`, which assembles
# the context (this file, agent.py, requirements.txt and a wheelhouse under
# wheels/) and builds with no network, so nothing here may download.
#
# BASE_IMAGE is python:3.11-slim where a registry is reachable; on machines
# without one the harness bootstraps Debian bookworm (python3 + python3-venv)
# and passes it here.  Both give a CPython 3.11 that `python3` finds.
ARG BASE_IMAGE=python:3.11-slim

# Stage 1 installs the wheelhouse into the venv; only the venv is copied on,
# so the ~35 MB of wheels never become a layer of the final image.
FROM ${BASE_IMAGE} AS venv
COPY wheels/ /tmp/wheels/
RUN python3 -m venv /opt/takehome/venv \
 && /opt/takehome/venv/bin/pip install --no-index --no-cache-dir --no-deps \
        --disable-pip-version-check --find-links /tmp/wheels \
        -r /tmp/wheels/requirements.txt \
 && rm -rf /tmp/wheels

FROM ${BASE_IMAGE}
# The venv's python is a symlink to the base's python3 (/usr/local/bin on
# python:3.11-slim, /usr/bin on Debian), so it must be the same base as above.
COPY --from=venv /opt/takehome/venv /opt/takehome/venv
RUN groupadd --gid 10001 sandbox \
 && useradd --uid 10001 --gid 10001 --create-home --shell /bin/sh sandbox \
 && mkdir -p /work \
 && chown sandbox:sandbox /work

# One BLAS/OpenMP thread: numpy would otherwise start a thread per core and
# trip the sandbox's process cap.  Jupyter, IPython and matplotlib write their
# state under /tmp, the one writable place on a read-only root.
ENV PATH=/opt/takehome/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    JUPYTER_PLATFORM_DIRS=1 \
    JUPYTER_RUNTIME_DIR=/tmp/jupyter \
    IPYTHONDIR=/tmp/ipython \
    MPLCONFIGDIR=/tmp/mpl

USER sandbox
WORKDIR /work
# Last, so an edited agent rebuilds one small layer and nothing above it.
# tree_imports.py is how the agent starts the kernel (see that file).
COPY agent.py tree_imports.py /opt/takehome/
ENTRYPOINT ["/opt/takehome/venv/bin/python", "/opt/takehome/agent.py"]
