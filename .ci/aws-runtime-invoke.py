#!/usr/bin/env python3
"""Invokes a handler of the shaded Lambda jar once under AWS's own Java runtime client.

The real runtime interface client (com.amazonaws:aws-lambda-java-runtime-interface-client, the
code the managed java21 runtime runs) polls a fake Lambda Runtime API served here on loopback:
it receives EVENT_JSON, deserialises it with AWS's serialisation library, calls HANDLER
(e.g. com.mantissa.stance.sync.aws.SqsHandler::handleRequest) and posts the response or the
error. Prints the handler's output, the response or error, and the time from JVM launch to the
posted result; exits 0 on a response, 1 on an error. The function's environment (STANCE_*,
endpoints) is this process's environment.

usage: aws-runtime-invoke.py JAR HANDLER EVENT_JSON [ACCOUNT]
The runtime client and what it needs on its classpath (its serialisation library,
aws-lambda-java-core, utils-lite) are the jars `mvn -B -pl aws-lambda -am verify` copies into
aws-lambda/target/lambda-runtime (RUNTIME_DIR overrides), the ones LambdaRuntimeInterfaceClientIT
runs in every build.
"""
import glob
import http.server
import json
import os
import subprocess
import sys
import threading
import time

RUNTIME_DIR = os.environ.get("RUNTIME_DIR", os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "aws-lambda", "target", "lambda-runtime"))


def runtime_jars():
    jars = sorted(glob.glob(os.path.join(RUNTIME_DIR, "*.jar")))
    if not any("aws-lambda-java-runtime-interface-client" in j for j in jars):
        sys.exit(f"aws-runtime-invoke: no runtime interface client in {RUNTIME_DIR}: "
                 "run mvn -B -pl aws-lambda -am verify (it copies the runtime there)")
    return jars


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    jar, handler, event_path = sys.argv[1:4]
    account = sys.argv[4] if len(sys.argv) == 5 else "123456789012"
    event = open(event_path, "rb").read()
    result = {}
    done = threading.Event()
    request_id = "52fdfc07-2182-154f-163f-5f0f9a621d72"
    function_arn = f"arn:aws:lambda:us-east-1:{account}:function:stance-sync-object-created:live"

    class RuntimeApi(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        served = False

        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", headers=None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.endswith("/runtime/invocation/next"):
                if RuntimeApi.served:
                    done.wait()  # one invocation only; the JVM is stopped once the result is in
                    return
                RuntimeApi.served = True
                self.reply(200, event, {
                    "Content-Type": "application/json",
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 300_000),
                    "Lambda-Runtime-Invoked-Function-Arn": function_arn,
                    "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                })
            else:
                self.reply(404)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kind = self.path.rsplit("/", 1)[-1]  # response | error (invocation or init)
            result.update(kind=kind, body=body.decode("utf-8", "replace"), at=time.monotonic())
            self.reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})
            done.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="stance-sync-object-created",
               AWS_LAMBDA_FUNCTION_VERSION="1",
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE="1024",
               AWS_LAMBDA_LOG_GROUP_NAME="/aws/lambda/stance-sync-object-created",
               AWS_LAMBDA_LOG_STREAM_NAME="2026/11/24/[1]0123456789abcdef",
               _HANDLER=handler)
    env.setdefault("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1")
    classpath = ":".join([jar] + runtime_jars())
    started = time.monotonic()
    process = subprocess.Popen(
        ["java", "-cp", classpath, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    finished = done.wait(timeout=float(os.environ.get("INVOKE_TIMEOUT", "120")))
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    reader.join(timeout=5)
    sys.stdout.write(b"".join(output).decode("utf-8", "replace"))
    if not finished:
        sys.exit(f"aws-runtime-invoke: no result within the timeout (JVM exit status {process.returncode})")
    print(f"aws-runtime-invoke: {result['kind']}: {result['body']}")
    print(f"aws-runtime-invoke: JVM launch to posted result: {result['at'] - started:.2f} s")
    sys.exit(0 if result["kind"] == "response" else 1)


if __name__ == "__main__":
    main()
