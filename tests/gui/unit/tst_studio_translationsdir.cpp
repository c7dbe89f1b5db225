// LanguageManager takes a language from the installed translations folder when the file is there, and from
// the copy compiled into the program otherwise.
#include "core/LanguageManager.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf::studio;

class TestStudioTranslationsDir : public QObject
{
    Q_OBJECT

private slots:
    void prefersTheInstalledFile();
    void fallsBackToTheBuiltInCopy();
    void defaultIsBesideTheProgram();
};

void TestStudioTranslationsDir::prefersTheInstalledFile()
{
    QTemporaryDir installed;
    QVERIFY(QFile::copy(QStringLiteral(":/i18n/mmf_ru.qm"), installed.filePath(QStringLiteral("mmf_ru.qm"))));
    QTemporaryDir settingsDir;
    QSettings settings(settingsDir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    LanguageManager languages(settings, nullptr, installed.path());
    QVERIFY(languages.setLanguage(QStringLiteral("ru")));
    QCOMPARE(languages.loadedFrom(), installed.filePath(QStringLiteral("mmf_ru.qm")));
    QCOMPARE(QCoreApplication::translate("ErrorText", "The request is not valid."),
             QStringLiteral("Запрос неверен."));
}

void TestStudioTranslationsDir::fallsBackToTheBuiltInCopy()
{
    QTemporaryDir empty;
    QTemporaryDir settingsDir;
    QSettings settings(settingsDir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    LanguageManager languages(settings, nullptr, empty.path());
    QVERIFY(languages.setLanguage(QStringLiteral("ru")));
    QCOMPARE(languages.loadedFrom(), QStringLiteral(":/i18n/mmf_ru.qm"));
}

void TestStudioTranslationsDir::defaultIsBesideTheProgram()
{
    QVERIFY(
        LanguageManager::defaultTranslationsDir().endsWith(QStringLiteral("/share/mmf-studio/translations")));
}

QTEST_GUILESS_MAIN(TestStudioTranslationsDir)
#include "tst_studio_translationsdir.moc"
