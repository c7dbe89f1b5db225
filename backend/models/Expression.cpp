#include "models/Expression.h"

#include <algorithm>

namespace mmf {

Expression::Expression(std::vector<Node> nodes, int root)
    : m_nodes(std::move(nodes))
    , m_root(root)
{}

int Expression::operations() const
{
    return int(std::count_if(m_nodes.begin(), m_nodes.end(),
                             [](const Node& node) { return node.kind != Kind::Number; }));
}

int Expression::depth() const
{
    // Children precede parents, so one forward pass sees every operand's depth before its parent.
    std::vector<int> depths(m_nodes.size(), 0);
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        const Node& node = m_nodes[i];
        if (node.kind == Kind::Number)
            continue;
        int deepest = depths[size_t(node.left)];
        if (node.right >= 0)
            deepest = std::max(deepest, depths[size_t(node.right)]);
        depths[i] = deepest + 1;
    }
    return m_root < 0 ? 0 : depths[size_t(m_root)];
}

double Expression::evaluate() const
{
    std::vector<double> values(m_nodes.size(), 0.0);
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        const Node& node = m_nodes[i];
        const double a = node.left >= 0 ? values[size_t(node.left)] : 0.0;
        const double b = node.right >= 0 ? values[size_t(node.right)] : 0.0;
        switch (node.kind) {
        case Kind::Number:
            values[i] = node.value;
            break;
        case Kind::Add:
            values[i] = a + b;
            break;
        case Kind::Sub:
            values[i] = a - b;
            break;
        case Kind::Mul:
            values[i] = a * b;
            break;
        case Kind::Div:
            values[i] = a / b;
            break;
        case Kind::Neg:
            values[i] = -a;
            break;
        }
    }
    return m_root < 0 ? 0.0 : values[size_t(m_root)];
}

QString Expression::symbol(Kind kind)
{
    switch (kind) {
    case Kind::Add:
        return QStringLiteral("+");
    case Kind::Sub:
        return QStringLiteral("-");
    case Kind::Mul:
        return QStringLiteral("*");
    case Kind::Div:
        return QStringLiteral("/");
    case Kind::Neg:
        return QStringLiteral("neg");
    case Kind::Number:
        break;
    }
    return {};
}

} // namespace mmf
