#!/usr/bin/env bash
# Runs the command blocks of README.md and docs/*.md as a new user pastes them, against the CLI
# jar the build made (core/target/stance-sync.jar). A fenced block is marked by HTML comments on
# the lines right above it:
#
#   <!-- check: run -->            runs offline: in a fresh folder per Markdown file (a copy of
#                                  examples/ and the jar at core/target/), the file's run blocks in
#                                  order, with S3 and SQS on a moto server (AWS_ENDPOINT_URL); the
#                                  buckets (s3://NAME) and SQS queue URLs a block names are created
#                                  first. A leading `mvn ... package -DskipTests &&` is left out:
#                                  the build made the jar already. The block fails on a non-zero exit.
#   <!-- check: expect TEXT -->    TEXT must appear in that run's stdout or stderr (one or more).
#   <!-- check: cloud -->          needs a real cloud: not run; every flag of each
#                                  `java -jar core/target/stance-sync.jar CMD` line must be in
#                                  `CMD --help`, every `-P` profile of an `mvn` line in a pom.xml,
#                                  and every STANCE_* variable in template.yaml or terraform/.
#   <!-- check: flags (why) -->    not run for another reason (a large generated input, a long
#                                  measurement): checked as a cloud block.
#
# An unmarked block that runs the CLI jar, or names a STANCE_* variable, fails the check: each
# such block must say whether it runs offline. usage: .ci/check-docs-commands.sh [FILE.md ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f core/target/stance-sync.jar ] || { echo "check-docs-commands: build the jar first (mvn -B verify)" >&2; exit 1; }
python3 -c 'import moto.server, boto3' 2>/dev/null \
  || { echo "check-docs-commands: python3 cannot import moto.server and boto3: pip install 'moto[server]'" >&2; exit 1; }
if [ "$#" -eq 0 ]; then
  set -- README.md docs/*.md
fi
exec python3 - "$@" <<'PYTHON'
import glob, os, re, shutil, socket, subprocess, sys, tempfile, time

JAR = "core/target/stance-sync.jar"
MARK = re.compile(r"^<!--\s*check:\s*(run|cloud|flags|expect)\b\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
failures = []


def fail(where, message, output=""):
    failures.append(where)
    print(f"check-docs-commands: FAILED {where}: {message}", file=sys.stderr)
    if output:
        print("  | " + output.rstrip().replace("\n", "\n  | "), file=sys.stderr)


def blocks(path):
    """Every fenced block of a Markdown file with the check marks right above it."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        marks, j = [], start - 1
        while j >= 0 and MARK.match(lines[j]):
            marks.insert(0, MARK.match(lines[j]).groups())
            j -= 1
        yield {"where": f"{path}:{start + 1}", "lang": m.group(1), "code": "\n".join(body), "marks": marks}


def commands(code):
    """The block's command lines, backslash continuations joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    out = []
    for line in joined.split("\n"):
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    raise SystemExit("check-docs-commands: moto did not start")
                time.sleep(0.2)
        import boto3
        kw = dict(endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                  aws_secret_access_key="testing")
        self.s3 = boto3.client("s3", **kw)
        self.sqs = boto3.client("sqs", **kw)

    def environment(self):
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ENDPOINT_URL_S3": self.endpoint,
                "AWS_ENDPOINT_URL_SQS": self.endpoint, "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}

    def create_named(self, code):
        for bucket in sorted(set(re.findall(r"s3://([a-z0-9][a-z0-9.-]+)", code))):
            try:
                self.s3.create_bucket(Bucket=bucket)
            except self.s3.exceptions.BucketAlreadyOwnedByYou:
                pass
        for queue in sorted(set(re.findall(r"https://sqs\.[a-z0-9-]+\.amazonaws\.com/\d+/([A-Za-z0-9_-]+)", code))):
            self.sqs.create_queue(QueueName=queue)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def run_file(path, runs, moto, work):
    folder = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "-", path))
    os.makedirs(os.path.join(folder, "core", "target"))
    shutil.copytree("examples", os.path.join(folder, "examples"))
    os.symlink(os.path.abspath(JAR), os.path.join(folder, JAR))
    env = dict(os.environ, **moto.environment(), XDG_CACHE_HOME=os.path.join(work, "cache"))
    for block in runs:
        code = re.sub(r"^mvn [^\n&]*package -DskipTests && ", "", block["code"], flags=re.M)
        moto.create_named(code)
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=folder, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        if result.returncode != 0:
            fail(block["where"], f"exit code {result.returncode}", result.stdout)
            continue
        missing = [text for kind, text in block["marks"] if kind == "expect" and text not in result.stdout]
        if missing:
            fail(block["where"], "stated output not found: " + "; ".join(repr(t) for t in missing), result.stdout)
        else:
            print(f"check-docs-commands: ran {block['where']}")


help_cache = {}


def cli_help(command):
    if command not in help_cache:
        out = subprocess.run(["java", "-jar", JAR, command, "--help"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=dict(os.environ, STANCE_SYNC_CHILD_JVM="0"))
        help_cache[command] = out.stdout if out.returncode == 0 else None
    return help_cache[command]


def templates_text():
    parts = [open("template.yaml", encoding="utf-8").read()]
    for tf in glob.glob("terraform/**/*.tf", recursive=True):
        parts.append(open(tf, encoding="utf-8").read())
    return "\n".join(parts)


def pom_profiles():
    ids = set()
    for pom in glob.glob("**/pom.xml", recursive=True):
        if "/target/" in pom or "node_modules" in pom:
            continue
        text = open(pom, encoding="utf-8").read()
        for profile in re.findall(r"<profile>(.*?)</profile>", text, flags=re.S):
            ids.update(re.findall(r"<id>([^<]+)</id>", profile)[:1])
    return ids


def check_cloud(block, templates, profiles):
    problems = []
    for line in commands(block["code"]):
        m = re.search(r"java (?:-\S+ )*-jar core/target/stance-sync\.jar (\w+)(.*)", line)
        if m:
            text = cli_help(m.group(1))
            if text is None:
                problems.append(f"'{m.group(1)}' is not a command of the CLI")
                continue
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", m.group(2)):
                if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text):
                    problems.append(f"{m.group(1)} has no option {flag} (see {m.group(1)} --help)")
        if re.match(r"(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*mvn\b", line):
            for profile in re.findall(r"(?<!\S)-P(\S+)", line):
                for name in profile.split(","):
                    if name.lstrip("!") not in profiles:
                        problems.append(f"no Maven profile '{name}'")
    for variable in sorted(set(re.findall(r"\bSTANCE_[A-Z_]+[A-Z]\b", block["code"]))):
        if variable not in templates:
            problems.append(f"{variable} is in neither template.yaml nor terraform/")
    for problem in problems:
        fail(block["where"], problem)
    if not problems:
        print(f"check-docs-commands: checked {block['where']} (cloud)")


def main(paths):
    templates, profiles = templates_text(), pom_profiles()
    work = tempfile.mkdtemp(prefix="check-docs-")
    moto = None
    try:
        for path in paths:
            runs = []
            for block in blocks(path):
                kinds = {kind for kind, _ in block["marks"]}
                if "run" in kinds:
                    runs.append(block)
                elif kinds & {"cloud", "flags"}:
                    check_cloud(block, templates, profiles)
                elif block["lang"] in ("bash", "sh", "shell") and (
                        re.search(r"stance-sync\.jar|^\s*stance-sync\s", block["code"], flags=re.M)
                        or re.search(r"\bSTANCE_[A-Z_]+", block["code"])):
                    fail(block["where"], "a command block of the CLI or the STANCE_* settings without a "
                         "'<!-- check: run -->' or '<!-- check: cloud -->' mark")
            if runs:
                moto = moto or Moto()
                run_file(path, runs, moto, work)
    finally:
        if moto:
            moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"check-docs-commands: {len(failures)} failed", file=sys.stderr)
        sys.exit(1)
    print("check-docs-commands: every marked block passed")


main(sys.argv[1:])
PYTHON
