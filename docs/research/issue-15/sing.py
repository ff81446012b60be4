"""Tiny Singular interface: run a script, return stdout."""
import subprocess, tempfile, os


def run(script, timeout=600):
    with tempfile.NamedTemporaryFile('w', suffix='.sing', delete=False) as f:
        f.write(script + '\nquit;\n')
        name = f.name
    try:
        out = subprocess.run(['Singular', '-q', '--no-warn', name], capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(name)
    return out.stdout + out.stderr


def qstr(x):
    return '(%s)' % str(x)


def mat_str(m):
    return ','.join(qstr(m[i, j]) for i in range(m.nrows()) for j in range(m.ncols()))
