#pragma once

#include "models/Expression.h"

#include "core/Result.h"

#include <QStringView>

namespace mmf {

// Parses calc's arithmetic expressions: + - * / with the usual precedence (left-associative), parentheses,
// unary minus and plus, whitespace, and unsigned decimal literals "12", "2.5", ".5", "5." (no exponents, no
// thousands separators). A pure function with bounded work: input longer than kMaxLength characters or nested
// deeper than kMaxDepth (parentheses and unary signs) is refused, never a stack overflow. Errors are
// invalid_argument with a 1-based column, e.g. "unexpected ')' at column 7", "expected a number at column 3".
class ExpressionParser
{
public:
    static constexpr int kMaxLength = 10000;
    static constexpr int kMaxDepth = 200;

    static Result<Expression> parse(QStringView text);
};

} // namespace mmf
