// Base64url (RFC 4648 §5, no padding) with a strict decoder: one encoding per value.
#include "auth/Base64Url.h"

#include <QRandomGenerator>
#include <QTest>

using namespace mmf;

class TestBase64Url : public QObject
{
    Q_OBJECT

private slots:
    void knownAnswers_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("text");
        // RFC 4648 §10 test vectors, padding removed.
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
        QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
        QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
        QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
        QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
        QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
        // The URL-safe alphabet: '-' and '_' where standard base64 has '+' and '/'.
        QTest::newRow("62 and 63") << QByteArray::fromHex("fbffbf") << QByteArray("-_-_");
        QTest::newRow("high bytes") << QByteArray::fromHex("fbff") << QByteArray("-_8");
        QTest::newRow("zeros") << QByteArray(4, '\0') << QByteArray("AAAAAA");
        QTest::newRow("all 0xff") << QByteArray(3, '\xff') << QByteArray("____");
    }
    void knownAnswers()
    {
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, text);
        QCOMPARE(Base64Url::encode(data), text);
        const auto decoded = Base64Url::decode(text);
        QVERIFY(decoded.has_value());
        QCOMPARE(*decoded, data);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("padding ==") << QByteArray("Zg==");
        QTest::newRow("padding =") << QByteArray("Zm8=");
        QTest::newRow("padding inside") << QByteArray("Zg==Zm9v");
        QTest::newRow("plus") << QByteArray("+_8");
        QTest::newRow("slash") << QByteArray("-/8");
        QTest::newRow("space") << QByteArray("Zm9v YmFy");
        QTest::newRow("newline") << QByteArray("Zm9v\nYmFy");
        QTest::newRow("trailing newline") << QByteArray("Zm9v\n");
        QTest::newRow("tab") << QByteArray("\tZm9v");
        QTest::newRow("length 1 mod 4") << QByteArray("Z");
        QTest::newRow("length 5") << QByteArray("Zm9vY");
        QTest::newRow("non-zero bits after 1 byte") << QByteArray("Zh");
        QTest::newRow("non-zero bits after 2 bytes") << QByteArray("Zm9");
        QTest::newRow("NUL") << QByteArray("Zm\0v", 4);
        QTest::newRow("high byte") << QByteArray("Zm9\xc3");
        QTest::newRow("dot") << QByteArray("Zm.v");
    }
    void rejects()
    {
        QFETCH(QByteArray, text);
        QVERIFY(!Base64Url::decode(text).has_value());
    }

    // Every length and every byte value survives the round trip, and encoding is canonical: the decoder
    // accepts no other spelling of the last character.
    void roundTripAllLengths()
    {
        QRandomGenerator rng(42);
        for (int length = 0; length < 200; ++length) {
            QByteArray data(length, Qt::Uninitialized);
            for (auto& c : data)
                c = char(rng.bounded(256));
            const QByteArray text = Base64Url::encode(data);
            QCOMPARE(text.size(), (length * 4 + 2) / 3);
            QVERIFY(!text.contains('='));
            const auto decoded = Base64Url::decode(text);
            QVERIFY2(decoded.has_value(), qPrintable(QString::number(length)));
            QCOMPARE(*decoded, data);
            QCOMPARE(text, data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        }
    }

    void onlyOneSpellingPerValue()
    {
        static const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int accepted = 0;
        for (char a : alphabet) {
            for (char b : alphabet) {
                const QByteArray text = QByteArray(1, a) + b;
                if (const auto decoded = Base64Url::decode(text)) {
                    ++accepted;
                    QCOMPARE(Base64Url::encode(*decoded), text);
                }
            }
        }
        QCOMPARE(accepted, 256); // 2 characters carry exactly one byte
    }
};

QTEST_GUILESS_MAIN(TestBase64Url)
#include "tst_base64url.moc"
