"""Four layers: the (X, V) characterisation.

T = U1 L1 U2 L2 (matrix product; application order L2, U2, L1, U1) iff there are d x d
X, V with
   F(X, V) = [I X] T [I; V]            diagonal invertible   (= E2, middle upper scale, E1 = I)
   G(X, V) = [-V I] T^-1 [-X; I]       diagonal invertible   (= D1^-1, middle lower scale, D2 = I)
Layers: U1 = U(-X, I), L2 = L(-V, I), and Gm = U1^-1 T L2^-1 = L(Y, D1) U(Z, E2).
"""
from lib import *


def FG(t, x, v):
    d = t.nrows() // 2
    ti = t.inv()
    left = from_blocks(eye(d), x, zeros(d), zeros(d))  # rows [I X] padded
    f = block(left * t * from_blocks(eye(d), zeros(d), v, zeros(d)), 0, 0, d, d)
    g = block(from_blocks(zeros(d), zeros(d), -v, eye(d)) * ti * from_blocks(zeros(d), -x, zeros(d), eye(d)), d, d, d, d)
    return f, g


def layers_from_xv(t, x, v):
    """Application-order ULUL layers (L2, U2, L1, U1) or None."""
    d = t.nrows() // 2
    f, g = FG(t, x, v)
    if not (is_diag(f) and is_diag(g)) or any(a == 0 for a in diagonal(f) + diagonal(g)):
        return None
    u1 = ('U', -x, [Q(1)] * d)
    l2 = ('L', -v, [Q(1)] * d)
    gm = U(x, [Q(1)] * d) * t * L(v, [Q(1)] * d)  # U1^-1 T L2^-1
    g11, g12, g21, g22 = quarters(gm)
    e2 = diagonal(g11)
    z = g12
    y = g21 * diag([1 / e for e in e2])
    d1m = g22 - y * z
    assert is_diag(d1m)
    return [l2, ('U', z, e2), ('L', y, diagonal(d1m)), u1]


def xv_from_layers(layers):
    """Inverse direction, for testing: given ULUL layers (application order L2, U2, L1, U1)."""
    l2, u2, l1, u1 = layers
    assert l2[0] == 'L' and u1[0] == 'U'
    # normalise E1 = I and D2 = I by pushing diagonals (they change the middle layers only)
    return None


if __name__ == '__main__':
    random.seed(1)
    for d in [1, 2, 3, 4]:
        for trial in range(20):
            def rm():
                return rand_int_mat(d, -3, 3)

            def rs():
                return [Q(random.choice([-3, -2, -1, 1, 2, 3])) for _ in range(d)]
            lay = [('L', rm(), [Q(1)] * d), ('U', rm(), rs()), ('L', rm(), rs()), ('U', rm(), [Q(1)] * d)]
            t = product(lay, 2 * d)
            x = -lay[3][1]
            v = -lay[0][1]
            f, g = FG(t, x, v)
            assert is_diag(f) and is_diag(g), (d, trial)
            assert diagonal(f) == lay[1][2]
            assert diagonal(g) == [1 / s for s in lay[2][2]]
            rebuilt = layers_from_xv(t, x, v)
            assert check(t, rebuilt)
    print('(X, V) characterisation verified on random ULUL products, d = 1..4')
