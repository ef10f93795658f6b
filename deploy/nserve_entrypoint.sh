#!/bin/bash
# NServe's counterpart of TF Serving's /usr/bin/tf_serving_entrypoint.sh: the same command line, so
# `docker run ... -e MODEL_NAME=NAME IMAGE [extra flags]` means the same with either image. Extra flags
# come last, and in NServe's parser the last occurrence of a flag wins, so `--rest_api_port=9001` or
# `--model_config_file=...` given to `docker run` override the defaults here.
#
# Unlike TF Serving's script this one execs, so the server is the container's main process and receives
# SIGTERM itself (TF Serving's shell swallows it: tensorflow/serving#1853).
#
# MODEL_NAME and MODEL_BASE_PATH are set in the image (model, /models); the fallbacks make the script
# behave the same when run outside it. NSERVE_BIN lets tests run this script against a local build.

exec "${NSERVE_BIN:-/app/nserve}" --port=8500 --rest_api_port=8501 \
  --model_name="${MODEL_NAME:-model}" --model_base_path="${MODEL_BASE_PATH:-/models}/${MODEL_NAME:-model}" \
  "$@"
