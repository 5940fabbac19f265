# SPDX-License-Identifier: GPL-2.0
"""Read, change and write flattened device trees (DTB, format version 17).

Just enough of the format for the VM lanes' board fix-ups: a tree of nodes
whose properties are raw bytes, with helpers for the few value types the
fix-ups need. Written from the format as the devicetree specification
describes it (header, memory reservation block, structure block of
BEGIN_NODE/END_NODE/PROP/NOP/END tokens, strings block).
"""

import struct

MAGIC = 0xD00DFEED
BEGIN_NODE, END_NODE, PROP, NOP, END = 1, 2, 3, 4, 9
HEADER = struct.Struct(">10I")


class Node:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.props = {}
        self.children = []

    def path(self):
        if self.parent is None:
            return "/"
        up = self.parent.path()
        return (up if up != "/" else "") + "/" + self.name

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def add_child(self, name):
        node = Node(name, self)
        self.children.append(node)
        return node

    def remove(self):
        self.parent.children.remove(self)

    def walk(self):
        yield self
        for c in list(self.children):
            yield from c.walk()

    def strings(self, prop):
        """A string-list property, as a list of str (empty if absent)."""
        raw = self.props.get(prop)
        if not raw:
            return []
        return raw.rstrip(b"\0").decode("ascii", "replace").split("\0")

    def u32(self, prop):
        raw = self.props.get(prop)
        return None if raw is None or len(raw) != 4 else struct.unpack(">I", raw)[0]

    def set_u32(self, prop, *values):
        self.props[prop] = struct.pack(">%dI" % len(values), *values)

    def set_strings(self, prop, *values):
        self.props[prop] = b"".join(v.encode("ascii") + b"\0" for v in values)

    def set_empty(self, prop):
        self.props[prop] = b""


class Tree:
    def __init__(self, root, reserved=(), boot_cpuid=0):
        self.root = root
        self.reserved = list(reserved)
        self.boot_cpuid = boot_cpuid

    def find(self, path):
        node = self.root
        for part in [p for p in path.split("/") if p]:
            node = node.child(part)
            if node is None:
                return None
        return node

    def nodes(self):
        return self.root.walk()

    def by_compatible(self, compatible):
        return [n for n in self.nodes() if compatible in n.strings("compatible")]

    def by_phandle(self, phandle):
        for n in self.nodes():
            if n.u32("phandle") == phandle or n.u32("linux,phandle") == phandle:
                return n
        return None

    def max_phandle(self):
        return max([n.u32("phandle") or 0 for n in self.nodes()] + [0])


def _cstring(blob, off):
    end = blob.index(b"\0", off)
    return blob[off:end].decode("ascii"), end + 1


def _align4(n):
    return (n + 3) & ~3


def parse(blob):
    (magic, total, off_struct, off_strings, off_rsv, version, _last, boot_cpuid,
     size_strings, size_struct) = HEADER.unpack_from(blob, 0)
    if magic != MAGIC:
        raise ValueError("not a flattened device tree")
    if version < 16:
        raise ValueError("device tree version %d is too old" % version)
    del total
    strings = blob[off_strings:off_strings + size_strings]

    reserved = []
    off = off_rsv
    while True:
        addr, size = struct.unpack_from(">QQ", blob, off)
        off += 16
        if not addr and not size:
            break
        reserved.append((addr, size))

    root = None
    node = None
    off = off_struct
    end = off_struct + size_struct
    while off < end:
        (token,) = struct.unpack_from(">I", blob, off)
        off += 4
        if token == BEGIN_NODE:
            name, after = _cstring(blob, off)
            off = _align4(after)
            if node is None:
                root = node = Node("")
            else:
                child = Node(name, node)
                node.children.append(child)
                node = child
        elif token == END_NODE:
            node = node.parent
        elif token == PROP:
            length, nameoff = struct.unpack_from(">II", blob, off)
            off += 8
            pname, _ = _cstring(strings, nameoff)
            node.props[pname] = blob[off:off + length]
            off = _align4(off + length)
        elif token == NOP:
            continue
        elif token == END:
            break
        else:
            raise ValueError("bad structure token %d at %d" % (token, off - 4))
    return Tree(root, reserved, boot_cpuid)


def dump(tree):
    strings = bytearray()
    string_off = {}

    def name_offset(name):
        if name not in string_off:
            string_off[name] = len(strings)
            strings.extend(name.encode("ascii") + b"\0")
        return string_off[name]

    struct_blk = bytearray()

    def emit(node):
        struct_blk.extend(struct.pack(">I", BEGIN_NODE))
        name = node.name.encode("ascii") + b"\0"
        struct_blk.extend(name + b"\0" * (_align4(len(name)) - len(name)))
        for pname, value in node.props.items():
            struct_blk.extend(struct.pack(">III", PROP, len(value), name_offset(pname)))
            struct_blk.extend(value + b"\0" * (_align4(len(value)) - len(value)))
        for c in node.children:
            emit(c)
        struct_blk.extend(struct.pack(">I", END_NODE))

    emit(tree.root)
    struct_blk.extend(struct.pack(">I", END))

    rsv = bytearray()
    for addr, size in tree.reserved:
        rsv.extend(struct.pack(">QQ", addr, size))
    rsv.extend(struct.pack(">QQ", 0, 0))

    off_rsv = _align4(HEADER.size)
    off_rsv = (off_rsv + 7) & ~7
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(struct_blk)
    total = off_strings + len(strings)
    header = HEADER.pack(MAGIC, total, off_struct, off_strings, off_rsv, 17, 16,
                         tree.boot_cpuid, len(strings), len(struct_blk))
    out = bytearray(header)
    out.extend(b"\0" * (off_rsv - len(out)))
    out.extend(rsv)
    out.extend(struct_blk)
    out.extend(strings)
    return bytes(out)


def load(path):
    with open(path, "rb") as f:
        return parse(f.read())


def save(tree, path):
    with open(path, "wb") as f:
        f.write(dump(tree))
