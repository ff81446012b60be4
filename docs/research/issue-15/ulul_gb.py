"""ULUL over C for d = 2 via Singular: ideal of F(X,V) - Phi, G(X,V) - Psi in
Q[x1..x4, v1..v4, f1, f2, g1, g2], saturated by f1 f2 g1 g2 (nonzero scales).
Returns the reduced Groebner basis of the saturation (as strings) and dim."""
from lib import *
import sing


def script(t, extra=''):
    s = t.inv()
    return f"""
ring r = 0, (x1,x2,x3,x4,v1,v2,v3,v4,f1,f2,g1,g2), dp;
matrix T[4][4] = {sing.mat_str(t)};
matrix S[4][4] = {sing.mat_str(s)};
matrix A[2][4] = 1,0,x1,x2, 0,1,x3,x4;
matrix B[4][2] = 1,0, 0,1, v1,v2, v3,v4;
matrix F[2][2] = A*T*B;
matrix C[2][4] = -v1,-v2,1,0, -v3,-v4,0,1;
matrix D[4][2] = -x1,-x2, -x3,-x4, 1,0, 0,1;
matrix G[2][2] = C*S*D;
ideal I = F[1,2], F[2,1], G[1,2], G[2,1], F[1,1]-f1, F[2,2]-f2, G[1,1]-g1, G[2,2]-g2;
LIB "elim.lib";
ideal J = sat(I, f1*f2*g1*g2)[1];
J = std(J);
{extra}
"""


def ulul_complex(t):
    out = sing.run(script(t, 'print(dim(J)); print(size(J)); if (J[1]==1) {print("EMPTY");}'))
    return 'EMPTY' not in out, out


if __name__ == '__main__':
    import time
    for name, t in [('lb4', mat([[0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])),
                    ('readme', mat([[1, 2, 0, 1], [0, 1, 3, 0], [2, 0, 1, 1], [1, 1, 0, 2]])),
                    ('diag(-I,I)', mat([[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]))]:
        t0 = time.time()
        ok, out = ulul_complex(t)
        print(name, ok, out.split(), '%.1fs' % (time.time() - t0))
