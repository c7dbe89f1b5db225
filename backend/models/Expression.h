#pragma once

#include <QString>

#include <vector>

namespace mmf {

// A parsed arithmetic expression (ExpressionParser builds it): a flat tree whose children always precede
// their parent, so every walk is a loop over `nodes` and never recursion, however deep the tree.
class Expression
{
public:
    enum class Kind
    {
        Number,
        Add,
        Sub,
        Mul,
        Div,
        Neg
    };

    struct Node
    {
        Kind kind = Kind::Number;
        double value = 0; // Number only: a finite literal
        int left = -1;    // operand index (Neg: its only operand)
        int right = -1;   // Add/Sub/Mul/Div only
        int column = 0;   // 1-based column of the literal or operator in the source
    };

    Expression() = default;
    Expression(std::vector<Node> nodes, int root);

    const std::vector<Node>& nodes() const { return m_nodes; }
    const Node& node(int index) const { return m_nodes[size_t(index)]; }
    int root() const { return m_root; }

    // Number of operations (every node that is not a literal).
    int operations() const;
    // The longest chain of dependent operations: 0 for a bare number, 1 for "1+2", 2 for "(1+2)*3".
    int depth() const;
    // Evaluates in process with plain doubles (a reference for tests; division by zero gives inf or nan).
    double evaluate() const;

    // "+", "-", "*", "/" or "neg".
    static QString symbol(Kind kind);
    // True for a kind with two operands.
    static bool isBinary(Kind kind) { return kind != Kind::Number && kind != Kind::Neg; }

private:
    std::vector<Node> m_nodes;
    int m_root = -1;
};

} // namespace mmf
