"""Reads the HCL of a terraform module and evaluates the expressions its grants are made of
(count, for_each, bucket, role, member, scope, condition), for a given set of variables, where
the module's providers are not available to `terraform plan` (google, azurerm offline).

It knows the part of the language the modules use: literals, strings with ${...}, heredocs,
lists and objects, references (var., local., each.), the logical, comparison and conditional
operators, and a few functions. A reference to a resource or data source attribute evaluates to
its stub value when one is given, else to a Ref naming it ("google_service_account.push.email",
indexes left out). Anything else raises HclError, so a construct this reader does not know fails
the check that uses it instead of being guessed.
"""
import math
import os
import re


class HclError(Exception):
    pass


class Ref(str):
    """An attribute of a resource or data source that is known only after apply."""


_TOKEN = re.compile(r'''
    (?P<space>[ \t\r\n]+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<heredoc><<-?(?P<tag>[A-Z]+)\n(?P<body>.*?)\n[ \t]*(?P=tag)(?=\n))
  | (?P<number>\d+(\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>=>|&&|\|\||==|!=|>=|<=|\.\.\.|[!?:(){}\[\],=<>+\-*/.%])
  | (?P<quote>")
''', re.S | re.X)


def _string_end(text, start):
    """Index after the closing quote of the string whose opening quote is at start - 1."""
    i, depth = start, 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if c == "}" and depth:
            depth -= 1
        elif c == '"' and depth == 0:
            return i + 1
        elif c == '"':
            i = _string_end(text, i + 1)
            continue
        i += 1
    raise HclError("unterminated string")


def tokens(text):
    out, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            raise HclError(f"cannot read {text[i:i + 40]!r}")
        if m.group("space"):
            i = m.end()
            continue
        if m.group("quote"):
            end = _string_end(text, m.end())
            out.append(("string", text[m.end():end - 1]))
            i = end
            continue
        if m.group("heredoc"):
            body = m.group("body")
            if m.group(0).startswith("<<-"):
                lines = body.split("\n")
                indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
                body = "\n".join(l[indent:] for l in lines)
            out.append(("string", body + "\n"))
            i = m.end()
            continue
        kind = next(k for k in ("number", "name", "op") if m.group(k))
        out.append((kind, m.group(kind)))
        i = m.end()
    out.append(("end", None))
    return out


class _Parser:
    """Expressions to a small tree: ("lit", v), ("str", template), ("ref", [parts]), ("call", f, args),
    ("list", items), ("obj", [(key, value)]), ("op", op, a, b), ("not", a), ("neg", a), ("cond", c, a, b)."""

    def __init__(self, toks):
        self.t, self.i = toks, 0

    def peek(self, value=None):
        kind, v = self.t[self.i]
        return v == value and kind in ("op", "name") if value is not None else (kind, v)

    def take(self, value=None):
        kind, v = self.t[self.i]
        if value is not None and (v != value or kind not in ("op", "name")):
            raise HclError(f"expected {value!r}, found {v!r}")
        self.i += 1
        return kind, v

    def expr(self):
        c = self.binary(0)
        if self.peek("?"):
            self.take("?")
            a = self.expr()
            self.take(":")
            return ("cond", c, a, self.expr())
        return c

    LEVELS = [("||",), ("&&",), ("==", "!="), (">", "<", ">=", "<="), ("+", "-"), ("*", "/", "%")]

    def binary(self, level):
        if level == len(self.LEVELS):
            return self.unary()
        a = self.binary(level + 1)
        while self.t[self.i][0] == "op" and self.t[self.i][1] in self.LEVELS[level]:
            op = self.take()[1]
            a = ("op", op, a, self.binary(level + 1))
        return a

    def unary(self):
        if self.peek("!"):
            self.take()
            return ("not", self.unary())
        if self.peek("-"):
            self.take()
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def postfix(self, node):
        while True:
            if self.peek("."):
                self.take()
                name = self.take()[1]
                node = ("ref", node[1] + [name]) if node[0] == "ref" else ("index", node, ("lit", name))
            elif self.peek("["):
                self.take()
                if self.peek("*"):
                    self.take()
                    index = ("lit", "*")
                else:
                    index = self.expr()
                self.take("]")
                node = ("ref", node[1] + [index]) if node[0] == "ref" else ("index", node, index)
            else:
                return node

    def for_expr(self, closing):
        """After "[for" or "{for": names, collection, the value (key => value), and an optional if."""
        names = [self.take()[1]]
        if self.peek(","):
            self.take()
            names.append(self.take()[1])
        self.take("in")
        collection = self.expr()
        self.take(":")
        key = None
        value = self.expr()
        if self.peek("=>"):
            self.take()
            key, value = value, self.expr()
        if self.peek("..."):
            raise HclError("grouping (...) in a for expression is not supported")
        condition = None
        if self.peek("if"):
            self.take()
            condition = self.expr()
        self.take(closing)
        return ("for", names, collection, key, value, condition)

    def primary(self):
        kind, v = self.take()
        if kind == "number":
            return ("lit", float(v) if "." in v else int(v))
        if kind == "string":
            return ("str", v)
        if kind == "name":
            if v in ("true", "false"):
                return ("lit", v == "true")
            if v == "null":
                return ("lit", None)
            if self.peek("("):
                self.take()
                args = []
                while not self.peek(")"):
                    args.append(self.expr())
                    if self.peek(","):
                        self.take()
                self.take(")")
                return ("call", v, args)
            return ("ref", [v])
        if v == "(":
            e = self.expr()
            self.take(")")
            return e
        if v in ("[", "{") and self.peek("for"):
            self.take()
            return self.for_expr("]" if v == "[" else "}")
        if v == "[":
            items = []
            while not self.peek("]"):
                items.append(self.expr())
                if self.peek(","):
                    self.take()
            self.take("]")
            return ("list", items)
        if v == "{":
            pairs = []
            while not self.peek("}"):
                key = self.expr()
                if key[0] == "ref" and len(key[1]) == 1:
                    key = ("lit", key[1][0])
                self.take(self.peek()[1] if self.peek()[1] in ("=", ":") else "=")
                pairs.append((key, self.expr()))
                if self.peek(","):
                    self.take()
            self.take("}")
            return ("obj", pairs)
        raise HclError(f"unexpected {v!r}")

    def body(self):
        """A block body: {name: expression tree, or [block bodies] for nested blocks}."""
        out = {}
        while not self.peek("}") and self.peek()[0] != "end":
            name = self.take()[1]
            if self.peek("="):
                self.take()
                out[name] = self.expr()
                continue
            while self.peek()[0] == "string":
                self.take()
            self.take("{")
            out.setdefault(name, []).append(self.body())
            self.take("}")
        return out


FUNCTIONS = {
    "toset": lambda xs: sorted(set(xs)), "tolist": list, "tostring": str, "length": len,
    "merge": lambda *ds: {k: v for d in ds for k, v in d.items()},
    "concat": lambda *ls: [x for l in ls for x in l],
    "coalesce": lambda *xs: next(x for x in xs if x is not None and x != ""),
    "startswith": lambda s, p: s.startswith(p), "endswith": lambda s, p: s.endswith(p),
    "trimprefix": lambda s, p: s[len(p):] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[:-len(p)] if p and s.endswith(p) else s,
    "trim": lambda s, cs: s.strip(cs), "split": lambda sep, s: s.split(sep), "join": lambda sep, xs: sep.join(xs),
    "slice": lambda xs, a, b: xs[a:b], "lower": str.lower, "upper": str.upper, "contains": lambda xs, x: x in xs,
    "keys": lambda d: sorted(d), "values": lambda d: [d[k] for k in sorted(d)], "distinct": lambda xs: list(dict.fromkeys(xs)),
    "min": min, "max": max, "floor": math.floor, "one": lambda xs: xs[0] if xs else None,
    "strcontains": lambda s, x: x in s, "alltrue": all, "anytrue": any,
}


class Module:
    """A module's blocks (resource, data, variable, locals), and evaluation for given variables."""

    def __init__(self, directory, variables, stubs=None):
        self.blocks, local_trees = {}, {}
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".tf"):
                continue
            parser = _Parser(tokens(open(os.path.join(directory, name)).read()))
            while parser.peek()[0] != "end":
                kind = parser.take()[1]
                labels = []
                while parser.peek()[0] == "string":
                    labels.append(parser.take()[1])
                parser.take("{")
                body = parser.body()
                parser.take("}")
                if kind == "locals":
                    local_trees.update(body)
                elif kind in ("resource", "data"):
                    self.blocks[(kind,) + tuple(labels)] = body
                elif kind == "variable":
                    default = body.get("default")
                    if labels[0] not in variables and default is not None:
                        variables = dict(variables, **{labels[0]: self._eval(default, {})})
        self.variables, self.local_trees, self.locals, self.stubs = variables, local_trees, {}, stubs or {}

    def resources(self, type_name):
        """name -> body of each resource of type_name."""
        return {labels[2]: body for labels, body in self.blocks.items() if labels[:2] == ("resource", type_name)}

    def instances(self, body):
        """The scopes of a resource's instances: one per count index or for_each element."""
        if "count" in body:
            return [{"count": {"index": i}} for i in range(int(self.eval(body["count"])))]
        if "for_each" in body:
            found = self.eval(body["for_each"])
            items = found.items() if isinstance(found, dict) else ((v, v) for v in found)
            return [{"each": {"key": k, "value": v}} for k, v in items]
        return [{}]

    def eval(self, tree, scope=None):
        return self._eval(tree, scope or {})

    def _eval(self, tree, each):
        kind = tree[0]
        if kind == "lit":
            return tree[1]
        if kind == "str":
            return self._template(tree[1], each)
        if kind == "list":
            return [self._eval(x, each) for x in tree[1]]
        if kind == "obj":
            return {self._eval(k, each): self._eval(v, each) for k, v in tree[1]}
        if kind == "cond":
            return self._eval(tree[2] if self._truth(self._eval(tree[1], each)) else tree[3], each)
        if kind == "not":
            return not self._truth(self._eval(tree[1], each))
        if kind == "neg":
            return -self._eval(tree[1], each)
        if kind == "op":
            op = tree[1]
            a = self._eval(tree[2], each)
            if op == "&&":
                return self._truth(a) and self._truth(self._eval(tree[3], each))
            if op == "||":
                return self._truth(a) or self._truth(self._eval(tree[3], each))
            b = self._eval(tree[3], each)
            if isinstance(a, Ref) or isinstance(b, Ref):
                raise HclError(f"{op} of a value known only after apply: {a!r}, {b!r}")
            return {"==": lambda: a == b, "!=": lambda: a != b, ">": lambda: a > b, "<": lambda: a < b,
                    ">=": lambda: a >= b, "<=": lambda: a <= b, "+": lambda: a + b, "-": lambda: a - b,
                    "*": lambda: a * b, "/": lambda: a / b, "%": lambda: a % b}[op]()
        if kind == "call":
            name, args = tree[1], tree[2]
            if name == "try":
                for arg in args:
                    try:
                        return self._eval(arg, each)
                    except (HclError, KeyError, IndexError, TypeError, StopIteration):
                        continue
                raise HclError("try: no argument evaluates")
            if name == "can":
                try:
                    self._eval(args[0], each)
                    return True
                except (HclError, KeyError, IndexError, TypeError):
                    return False
            if name not in FUNCTIONS:
                raise HclError(f"function {name}() is not supported")
            values = [self._eval(a, each) for a in args]
            if any(isinstance(v, Ref) for v in values):
                return Ref(f"{name}({', '.join(map(str, values))})")
            return FUNCTIONS[name](*values)
        if kind == "ref":
            return self._reference(tree[1], each)
        if kind == "index":
            container = self._eval(tree[1], each)
            if isinstance(container, Ref):
                return container
            return container[self._eval(tree[2], each)]
        if kind == "for":
            names, collection, key, value, condition = tree[1:]
            found = self._eval(collection, each)
            pairs = found.items() if isinstance(found, dict) else enumerate(found)
            out = {} if key is not None else []
            for k, v in pairs:
                scope = dict(each, **(dict(zip(names, (k, v))) if len(names) == 2 else {names[0]: v}))
                if condition is not None and not self._truth(self._eval(condition, scope)):
                    continue
                if key is None:
                    out.append(self._eval(value, scope))
                else:
                    out[self._eval(key, scope)] = self._eval(value, scope)
            return out
        raise HclError(f"cannot evaluate {tree!r}")

    @staticmethod
    def _truth(value):
        if isinstance(value, Ref) or not isinstance(value, bool):
            raise HclError(f"not a known bool: {value!r}")
        return value

    def _reference(self, parts, scope):
        head, rest = parts[0], parts[1:]
        if head in scope:
            value = scope[head]
        elif head in ("var", "local"):
            name, rest = rest[0], rest[1:]
            if head == "var":
                if name not in self.variables:
                    raise HclError(f"var.{name} has no value")
                value = self.variables[name]
            else:
                if name not in self.locals:
                    if name not in self.local_trees:
                        raise HclError(f"local.{name} is not defined")
                    self.locals[name] = self._eval(self.local_trees[name], {})
                value = self.locals[name]
        else:
            address = ".".join(p for p in parts if not isinstance(p, tuple))
            return self.stubs.get(address, Ref(address))
        for part in rest:
            if isinstance(value, Ref):
                return value
            value = value[self._eval(part, scope) if isinstance(part, tuple) else part]
        return value

    def _template(self, text, each):
        out, i = [], 0
        while True:
            j = text.find("${", i)
            if j < 0:
                out.append(text[i:])
                break
            out.append(text[i:j])
            end = j + 2
            depth = 1
            while depth:
                if text[end] == '"':
                    end = _string_end(text, end + 1)
                    continue
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            value = self._eval(_Parser(tokens(text[j + 2:end - 1])).expr(), each)
            out.append(str(value).lower() if isinstance(value, bool) else str(value))
            i = end
        return "".join(out).replace('\\"', '"')
