"""Five layers at d = 2 over C / positivity, via Singular.
ULULU: T = U(B0, I) M with M = U(-B0, I) T LULU, i.e. S M S ULUL: (X, V) conditions on S M S.
LULUL: T = L(A0, I) M with M ULUL.  (E0 = I resp. D0 = I without loss of generality.)
Variables b1..b4 (the outer shift), x1..x4, v1..v4, scales f1, f2, g1, g2 of the inner ULUL."""
from lib import *
import sing


def script(t, kind, extra=''):
    s = t.inv()
    if kind == 'ULULU':
        # M = U(-B0) T ; N = S M S ; N^-1 = S M^-1 S, M^-1 = T^-1 U(B0)
        pre = """matrix P[4][4] = 1,0,-b1,-b2, 0,1,-b3,-b4, 0,0,1,0, 0,0,0,1;
matrix Pi[4][4] = 1,0,b1,b2, 0,1,b3,b4, 0,0,1,0, 0,0,0,1;
matrix M = P*T; matrix Mi = S*Pi;"""
    else:
        # M = L(-A0) T, M^-1 = T^-1 L(A0); N = M (no swap)
        pre = """matrix P[4][4] = 1,0,0,0, 0,1,0,0, -b1,-b2,1,0, -b3,-b4,0,1;
matrix Pi[4][4] = 1,0,0,0, 0,1,0,0, b1,b2,1,0, b3,b4,0,1;
matrix M = P*T; matrix Mi = S*Pi;"""
    swapm = "matrix W[4][4] = 0,0,1,0, 0,0,0,1, 1,0,0,0, 0,1,0,0;"
    post = "matrix N = W*M*W; matrix Ni = W*Mi*W;" if kind == 'ULULU' else "matrix N = M; matrix Ni = Mi;"
    return f"""
ring r = 0, (b1,b2,b3,b4,x1,x2,x3,x4,v1,v2,v3,v4,f1,f2,g1,g2), dp;
matrix T[4][4] = {sing.mat_str(t)};
matrix S[4][4] = {sing.mat_str(s)};
{pre}
{swapm}
{post}
matrix A[2][4] = 1,0,x1,x2, 0,1,x3,x4;
matrix B[4][2] = 1,0, 0,1, v1,v2, v3,v4;
matrix F[2][2] = A*N*B;
matrix C[2][4] = -v1,-v2,1,0, -v3,-v4,0,1;
matrix D[4][2] = -x1,-x2, -x3,-x4, 1,0, 0,1;
matrix G[2][2] = C*Ni*D;
ideal I = F[1,2], F[2,1], G[1,2], G[2,1], F[1,1]-f1, F[2,2]-f2, G[1,1]-g1, G[2,2]-g2;
LIB "elim.lib";
ideal J = sat(I, f1*f2*g1*g2)[1];
ideal E = eliminate(J, b1*b2*b3*b4*x1*x2*x3*x4*v1*v2*v3*v4);
E = std(E);
print(E);
{extra}
"""


if __name__ == '__main__':
    import sys, time
    from perms4 import *
    for p, s in [((0, 1, 2, 3), (-1, -1, 1, 1)), ((0, 1, 3, 2), (1, 1, 1, -1)), ((1, 0, 2, 3), (1, -1, 1, 1))]:
        t = perm_matrix(p, s)
        for kind in ['ULULU', 'LULUL']:
            t0 = time.time()
            out = sing.run(script(t, kind), timeout=900)
            print(p, s, kind, out.replace('\n', ' | ')[:600], '%.1fs' % (time.time() - t0), flush=True)
