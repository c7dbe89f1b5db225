#include "models/ExpressionParser.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <string>

namespace mmf {

namespace {

using Kind = Expression::Kind;
using Node = Expression::Node;

bool isAsciiDigit(QChar c)
{
    return c.unicode() >= '0' && c.unicode() <= '9';
}

// Recursive descent over sum → product → unary → primary. Sums and products loop, so long flat chains
// ("1+1+…+1") cost no stack; only parentheses and unary signs recurse, and those are capped at kMaxDepth.
class Parser
{
public:
    explicit Parser(QStringView text)
        : m_text(text)
    {}

    Result<Expression> run()
    {
        if (m_text.size() > ExpressionParser::kMaxLength)
            return Error::invalidArgument(QStringLiteral("expression longer than %1 characters (%2)")
                                              .arg(ExpressionParser::kMaxLength)
                                              .arg(m_text.size()));
        skipSpace();
        if (atEnd())
            return Error::invalidArgument(QStringLiteral("empty expression"));
        m_nodes.reserve(size_t(m_text.size() / 2 + 1));
        const int root = parseSum();
        if (root >= 0) {
            skipSpace();
            if (!atEnd()) {
                if (peek() == u')')
                    fail(QStringLiteral("unbalanced parentheses: unexpected ')' at column %1").arg(column()));
                else
                    failUnexpected();
            }
        }
        if (m_error)
            return *m_error;
        return Expression(std::move(m_nodes), root);
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text[m_pos]; }
    int column() const { return int(m_pos) + 1; }

    void skipSpace()
    {
        while (!atEnd() && m_text[m_pos].isSpace())
            ++m_pos;
    }

    int fail(QString message)
    {
        if (!m_error)
            m_error = Error::invalidArgument(std::move(message));
        return -1;
    }

    // "unexpected 'x' at column N" for the character at the current position.
    int failUnexpected()
    {
        const QChar c = peek();
        QString shown;
        if (c.isHighSurrogate() && m_pos + 1 < m_text.size() && m_text[m_pos + 1].isLowSurrogate())
            shown = QStringLiteral("'%1'").arg(m_text.mid(m_pos, 2));
        else if (c.isPrint())
            shown = QStringLiteral("'%1'").arg(c);
        else
            shown = QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper();
        return fail(QStringLiteral("unexpected %1 at column %2").arg(shown).arg(column()));
    }

    bool enter()
    {
        if (++m_depth > ExpressionParser::kMaxDepth) {
            fail(QStringLiteral("nesting deeper than %1 levels at column %2")
                     .arg(ExpressionParser::kMaxDepth)
                     .arg(column()));
            return false;
        }
        return true;
    }

    int add(Kind kind, int left, int right, int column, double value = 0)
    {
        m_nodes.push_back(Node{kind, value, left, right, column});
        return int(m_nodes.size()) - 1;
    }

    int parseSum()
    {
        int left = parseProduct();
        while (left >= 0) {
            skipSpace();
            const QChar c = peek();
            if (c != u'+' && c != u'-')
                break;
            const int at = column();
            ++m_pos;
            const int right = parseProduct();
            if (right < 0)
                return -1;
            left = add(c == u'+' ? Kind::Add : Kind::Sub, left, right, at);
        }
        return left;
    }

    int parseProduct()
    {
        int left = parseUnary();
        while (left >= 0) {
            skipSpace();
            const QChar c = peek();
            if (c != u'*' && c != u'/')
                break;
            const int at = column();
            ++m_pos;
            const int right = parseUnary();
            if (right < 0)
                return -1;
            left = add(c == u'*' ? Kind::Mul : Kind::Div, left, right, at);
        }
        return left;
    }

    int parseUnary()
    {
        skipSpace();
        const QChar c = peek();
        if (c != u'+' && c != u'-')
            return parsePrimary();
        const int at = column();
        if (!enter())
            return -1;
        ++m_pos;
        const int operand = parseUnary();
        --m_depth;
        if (operand < 0)
            return -1;
        return c == u'-' ? add(Kind::Neg, operand, -1, at) : operand;
    }

    int parsePrimary()
    {
        skipSpace();
        if (atEnd())
            return fail(QStringLiteral("expected a number at column %1").arg(column()));
        const QChar c = peek();
        if (c == u'(') {
            const int open = column();
            if (!enter())
                return -1;
            ++m_pos;
            const int inner = parseSum();
            if (inner < 0)
                return -1;
            skipSpace();
            if (atEnd())
                return fail(
                    QStringLiteral("unbalanced parentheses: missing ')' for '(' at column %1").arg(open));
            if (peek() != u')')
                return failUnexpected();
            ++m_pos;
            --m_depth;
            return inner;
        }
        if (isAsciiDigit(c) || c == u'.')
            return parseNumber();
        return failUnexpected();
    }

    int parseNumber()
    {
        const qsizetype start = m_pos;
        const int at = column();
        qsizetype digits = 0;
        while (!atEnd() && isAsciiDigit(peek())) {
            ++m_pos;
            ++digits;
        }
        if (!atEnd() && peek() == u'.') {
            ++m_pos;
            while (!atEnd() && isAsciiDigit(peek())) {
                ++m_pos;
                ++digits;
            }
        }
        if (digits == 0) {
            m_pos = start;
            return fail(QStringLiteral("expected a number at column %1").arg(at));
        }
        // ASCII only by now; from_chars is locale-independent (strtod would follow the process locale).
        std::string latin(size_t(m_pos - start), '\0');
        for (qsizetype i = start; i < m_pos; ++i)
            latin[size_t(i - start)] = char(m_text[i].unicode());
        double value = 0;
        const auto [end, ec] = std::from_chars(latin.data(), latin.data() + latin.size(), value);
        if (ec != std::errc() || end != latin.data() + latin.size() || !std::isfinite(value))
            return fail(QStringLiteral("number out of range at column %1").arg(at));
        return add(Kind::Number, -1, -1, at, value);
    }

    QStringView m_text;
    qsizetype m_pos = 0;
    int m_depth = 0;
    std::vector<Node> m_nodes;
    std::optional<Error> m_error;
};

} // namespace

Result<Expression> ExpressionParser::parse(QStringView text)
{
    return Parser(text).run();
}

} // namespace mmf
