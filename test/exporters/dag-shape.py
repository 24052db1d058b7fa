"""Reads an exported DAG file with Python's own parser and prints what the tests check, as JSON:
the DAG's arguments, every task (variable, task_id, operator, keyword arguments), every >> edge, the imports."""
import ast
import json
import sys

tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
tasks, edges, imports, dag = {}, [], [], {}


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.targets[0], ast.Name):
        keywords = {k.arg: literal(k.value) for k in node.value.keywords}
        if "task_id" in keywords:
            tasks[node.targets[0].id] = {"operator": ast.unparse(node.value.func), "kwargs": keywords}
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
        edges.append([node.left.id, node.right.id])
    elif isinstance(node, ast.ImportFrom):
        imports.extend(f"{node.module}.{alias.name}" for alias in node.names)
    elif isinstance(node, ast.With):
        call = node.items[0].context_expr
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "DAG":
            dag = {k.arg: ast.unparse(k.value) for k in call.keywords}
print(json.dumps({"dag": dag, "tasks": tasks, "edges": edges, "imports": imports}))
