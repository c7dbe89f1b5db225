// The calc model's expression parser: a pure function, tested on values, shapes, error messages and limits.
#include "models/ExpressionParser.h"

#include <QTest>

using namespace mmf;

class TestExpressionParser : public QObject
{
    Q_OBJECT

private slots:
    void valid_data();
    void valid();
    void errors_data();
    void errors();
    void nestingLimit_data();
    void nestingLimit();
    void depthBomb();
    void lengthLimit();
    void childrenPrecedeParents();
    void columnsOfOperators();
};

void TestExpressionParser::valid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("operations");
    QTest::addColumn<int>("depth");

    QTest::newRow("integer") << "1" << 1.0 << 0 << 0;
    QTest::newRow("spaces around") << "  42  " << 42.0 << 0 << 0;
    QTest::newRow("decimal") << "2.5" << 2.5 << 0 << 0;
    QTest::newRow("leading dot") << ".5" << 0.5 << 0 << 0;
    QTest::newRow("trailing dot") << "5." << 5.0 << 0 << 0;
    QTest::newRow("leading zeros") << "007" << 7.0 << 0 << 0;
    QTest::newRow("sum") << "1+2" << 3.0 << 1 << 1;
    QTest::newRow("precedence") << "2+2*2" << 6.0 << 2 << 2;
    QTest::newRow("parentheses") << "(2+2)*2" << 8.0 << 2 << 2;
    QTest::newRow("two sums") << "(1+2)*(3+4)" << 21.0 << 3 << 2;
    QTest::newRow("division") << "10/4" << 2.5 << 1 << 1;
    QTest::newRow("minus left-assoc") << "8-3-2" << 3.0 << 2 << 2;
    QTest::newRow("division left-assoc") << "8/4/2" << 1.0 << 2 << 2;
    QTest::newRow("unary minus") << "-3" << -3.0 << 1 << 1;
    QTest::newRow("unary plus") << "+3" << 3.0 << 0 << 0;
    QTest::newRow("double minus") << "--3" << 3.0 << 2 << 2;
    QTest::newRow("minus binds tighter than *") << "-(2+3)*4" << -20.0 << 3 << 3;
    QTest::newRow("minus operand") << "2*-3" << -6.0 << 2 << 2;
    QTest::newRow("minus minus") << "1 - -1" << 2.0 << 2 << 2;
    QTest::newRow("redundant parentheses") << "((((7))))" << 7.0 << 0 << 0;
    QTest::newRow("tabs and spaces") << " ( 1 + 2 ) * 3\t" << 9.0 << 2 << 2;
    QTest::newRow("newlines") << "\n1\n+\n2\n" << 3.0 << 1 << 1;
    QTest::newRow("chain") << "1+2+3+4" << 10.0 << 3 << 3;
    QTest::newRow("balanced") << "(1+2)+(3+4)" << 10.0 << 3 << 2;
    QTest::newRow("double rounding") << "0.1+0.2" << (0.1 + 0.2) << 1 << 1;
    QTest::newRow("third") << "1/3" << (1.0 / 3.0) << 1 << 1;
    QTest::newRow("divide by negative") << "6/-2" << -3.0 << 2 << 2;
    QTest::newRow("division by zero parses") << "1/0" << qInf() << 1 << 1;
    QTest::newRow("deep tree") << "((1+2)*(3+4))-((5+6)/(7-8))" << 32.0 << 7 << 3;
    QTest::newRow("long integer") << "12345678901234567890" << 12345678901234567890.0 << 0 << 0;
}

void TestExpressionParser::valid()
{
    QFETCH(QString, text);
    QFETCH(double, value);
    QFETCH(int, operations);
    QFETCH(int, depth);

    const Result<Expression> parsed = ExpressionParser::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->evaluate(), value);
    QCOMPARE(parsed->operations(), operations);
    QCOMPARE(parsed->depth(), depth);
}

void TestExpressionParser::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << ""
                           << "empty expression";
    QTest::newRow("blank") << "   \t"
                           << "empty expression";
    QTest::newRow("dangling plus") << "1+"
                                   << "expected a number at column 3";
    QTest::newRow("dangling plus, space") << "1 + "
                                          << "expected a number at column 5";
    QTest::newRow("lone minus") << "-"
                                << "expected a number at column 2";
    QTest::newRow("close as operand") << "(1+2)*)"
                                      << "unexpected ')' at column 7";
    QTest::newRow("two operators") << "1+*2"
                                   << "unexpected '*' at column 3";
    QTest::newRow("leading star") << "*2"
                                  << "unexpected '*' at column 1";
    QTest::newRow("empty parentheses") << "()"
                                       << "unexpected ')' at column 2";
    QTest::newRow("missing close") << "(1+2"
                                   << "unbalanced parentheses: missing ')' for '(' at column 1";
    QTest::newRow("missing outer close") << "((1)"
                                         << "unbalanced parentheses: missing ')' for '(' at column 1";
    QTest::newRow("missing inner close") << "1*(2+(3"
                                         << "unbalanced parentheses: missing ')' for '(' at column 6";
    QTest::newRow("extra close") << "1+2)"
                                 << "unbalanced parentheses: unexpected ')' at column 4";
    QTest::newRow("extra close after group") << "(1))"
                                             << "unbalanced parentheses: unexpected ')' at column 4";
    QTest::newRow("two numbers") << "1 2"
                                 << "unexpected '2' at column 3";
    QTest::newRow("two numbers in parentheses") << "(1 2)"
                                                << "unexpected '2' at column 4";
    QTest::newRow("implicit product") << "2(3)"
                                      << "unexpected '(' at column 2";
    QTest::newRow("two dots") << "1.2.3"
                              << "unexpected '.' at column 4";
    QTest::newRow("lone dot") << "."
                              << "expected a number at column 1";
    QTest::newRow("dot operand") << "1+."
                                 << "expected a number at column 3";
    QTest::newRow("exponent") << "1e5"
                              << "unexpected 'e' at column 2";
    QTest::newRow("power") << "2^3"
                           << "unexpected '^' at column 2";
    QTest::newRow("decimal comma") << "1,5"
                                   << "unexpected ',' at column 2";
    QTest::newRow("letter") << "x"
                            << "unexpected 'x' at column 1";
    QTest::newRow("control character") << QStringLiteral("1 + \x01") << "unexpected U+0001 at column 5";
    QTest::newRow("non-ASCII digit") << QStringLiteral("1+\u0663")
                                     << QStringLiteral("unexpected '\u0663' at column 3");
    QTest::newRow("emoji") << QStringLiteral("1+\U0001F600")
                           << QStringLiteral("unexpected '\U0001F600' at column 3");
    QTest::newRow("too large") << (QStringLiteral("2*1") + QString(309, u'0'))
                               << "number out of range at column 3";
    QTest::newRow("too small") << (QStringLiteral("0.") + QString(400, u'0') + u'1')
                               << "number out of range at column 1";
}

void TestExpressionParser::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);

    const Result<Expression> parsed = ExpressionParser::parse(text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(parsed.error().message, message);
}

void TestExpressionParser::nestingLimit_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message"); // empty: valid

    const int max = ExpressionParser::kMaxDepth;
    QTest::newRow("200 parentheses") << QString(max, u'(') + u'1' + QString(max, u')') << QString();
    QTest::newRow("201 parentheses") << QString(max + 1, u'(') + u'1' + QString(max + 1, u')')
                                     << QStringLiteral("nesting deeper than 200 levels at column 201");
    QTest::newRow("200 minus signs") << QString(max, u'-') + u'1' << QString();
    QTest::newRow("201 minus signs") << QString(max + 1, u'-') + u'1'
                                     << QStringLiteral("nesting deeper than 200 levels at column 201");
    QTest::newRow("signs and parentheses")
        << QStringLiteral("-(").repeated(max / 2 + 1) + u'1' + QString(max / 2 + 1, u')')
        << QStringLiteral("nesting deeper than 200 levels at column 201");
}

void TestExpressionParser::nestingLimit()
{
    QFETCH(QString, text);
    QFETCH(QString, message);

    const Result<Expression> parsed = ExpressionParser::parse(text);
    if (message.isEmpty()) {
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(std::abs(parsed->evaluate()), 1.0);
    } else {
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().message, message);
    }
}

void TestExpressionParser::depthBomb()
{
    // The longest input allowed, all opening parentheses: an error, not a stack overflow.
    const QString bomb(ExpressionParser::kMaxLength, u'(');
    const Result<Expression> parsed = ExpressionParser::parse(bomb);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().message, QStringLiteral("nesting deeper than 200 levels at column 201"));

    const QString minusBomb = QString(ExpressionParser::kMaxLength - 1, u'-') + u'1';
    const Result<Expression> minus = ExpressionParser::parse(minusBomb);
    QVERIFY(!minus.ok());
    QCOMPARE(minus.error().message, QStringLiteral("nesting deeper than 200 levels at column 201"));
}

void TestExpressionParser::lengthLimit()
{
    // "1+1+…+1" padded with one space to exactly 10,000 characters: a flat chain of 4,999 additions, parsed
    // without recursion.
    QString text = QStringLiteral("1") + QStringLiteral("+1").repeated(4999) + u' ';
    QCOMPARE(text.size(), 10000);
    const Result<Expression> parsed = ExpressionParser::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->evaluate(), 5000.0);
    QCOMPARE(parsed->operations(), 4999);
    QCOMPARE(parsed->depth(), 4999);

    text += u' ';
    QCOMPARE(text.size(), 10001);
    const Result<Expression> tooLong = ExpressionParser::parse(text);
    QVERIFY(!tooLong.ok());
    QCOMPARE(tooLong.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(tooLong.error().message, QStringLiteral("expression longer than 10000 characters (10001)"));
}

void TestExpressionParser::childrenPrecedeParents()
{
    const Result<Expression> parsed = ExpressionParser::parse(u"-((1+2)*(3-4))/(5+-6)");
    QVERIFY(parsed.ok());
    const auto& nodes = parsed->nodes();
    QCOMPARE(parsed->root(), int(nodes.size()) - 1);
    for (int i = 0; i < int(nodes.size()); ++i) {
        const Expression::Node& node = nodes[size_t(i)];
        if (node.kind == Expression::Kind::Number) {
            QCOMPARE(node.left, -1);
            QCOMPARE(node.right, -1);
            continue;
        }
        QVERIFY(node.left >= 0 && node.left < i);
        if (Expression::isBinary(node.kind))
            QVERIFY(node.right >= 0 && node.right < i);
        else
            QCOMPARE(node.right, -1);
    }
    QCOMPARE(parsed->evaluate(), -((1.0 + 2) * (3 - 4)) / (5 + -6));
}

void TestExpressionParser::columnsOfOperators()
{
    const Result<Expression> parsed = ExpressionParser::parse(u" 12 * -(3 + 4)");
    QVERIFY(parsed.ok());
    // Source order: 12, 3, 4, +, neg, *.
    const auto& nodes = parsed->nodes();
    QCOMPARE(int(nodes.size()), 6);
    QCOMPARE(nodes[0].column, 2); // 12
    QCOMPARE(nodes[3].kind, Expression::Kind::Add);
    QCOMPARE(nodes[3].column, 11); // +
    QCOMPARE(nodes[4].kind, Expression::Kind::Neg);
    QCOMPARE(nodes[4].column, 7); // -
    QCOMPARE(nodes[5].kind, Expression::Kind::Mul);
    QCOMPARE(nodes[5].column, 5); // *
}

QTEST_GUILESS_MAIN(TestExpressionParser)
#include "tst_expressionparser.moc"
