from lib import *
import sing
from five_gb import script
for s in [(-1, 1, -1, 1), (-1, 1, 1, -1), (-1, -1, -1, -1)]:
    t = diag([Q(x) for x in s])
    print(s, sing.run(script(t, 'ULULU'), timeout=200).replace('\n', ' | ')[:300], flush=True)
