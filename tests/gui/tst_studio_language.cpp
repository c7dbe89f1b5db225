// Languages: the .ts files are complete (every string of app/ present, nothing unfinished, every Russian
// entry translated), the .qm files are compiled in, and switching to Russian at run time changes the visible
// texts of the main window and the pages, and switching back restores them.
#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/LanguageManager.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "gui/DashboardPage.h"
#include "gui/DictionaryPage.h"
#include "gui/MainWindow.h"
#include "gui/ModelDetailsPage.h"
#include "gui/SettingsPage.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace mmf;
using namespace mmf::studio;

namespace {

QString sourceDir()
{
    return QString::fromUtf8(MMF_SOURCE_DIR);
}

struct TsStats
{
    int messages = 0;
    QStringList unfinished; // sources whose entry is unfinished, vanished, obsolete or empty
    QSet<QString> sources;
    QHash<QString, QString> translations; // singular entries: source -> translation
    bool parsed = false;
};

TsStats readTs(const QString& path)
{
    TsStats stats;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return stats;
    QXmlStreamReader xml(&file);
    QString source;
    bool numerus = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("message")) {
            ++stats.messages;
            numerus = xml.attributes().value("numerus") == QLatin1String("yes");
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
            stats.sources.insert(source);
        } else if (xml.name() == QLatin1String("translation")) {
            const QStringView type = xml.attributes().value("type");
            bool bad = !type.isEmpty(); // unfinished, vanished, obsolete
            if (numerus) {
                int forms = 0;
                while (xml.readNextStartElement()) {
                    if (xml.name() == QLatin1String("numerusform")) {
                        ++forms;
                        bad = bad || xml.readElementText().trimmed().isEmpty();
                    } else {
                        xml.skipCurrentElement();
                    }
                }
                bad = bad || forms == 0;
            } else {
                const QString translation = xml.readElementText();
                stats.translations.insert(source, translation);
                bad = bad || translation.trimmed().isEmpty();
            }
            if (bad)
                stats.unfinished.append(source);
        }
    }
    stats.parsed = !xml.hasError();
    return stats;
}

QString lupdateProgram()
{
    return QLibraryInfo::path(QLibraryInfo::BinariesPath) + QStringLiteral("/lupdate");
}

// Every visible text of the widget tree: labels, buttons, group titles, placeholders, list items.
QStringList visibleTexts(QWidget* root)
{
    QStringList out;
    for (QLabel* label : root->findChildren<QLabel*>())
        out << label->text();
    for (QAbstractButton* button : root->findChildren<QAbstractButton*>())
        out << button->text();
    for (QGroupBox* box : root->findChildren<QGroupBox*>())
        out << box->title();
    for (QLineEdit* edit : root->findChildren<QLineEdit*>())
        out << edit->placeholderText();
    for (QListWidget* list : root->findChildren<QListWidget*>())
        for (int i = 0; i < list->count(); ++i)
            out << list->item(i)->text();
    out.removeAll(QString());
    return out;
}

bool hasCyrillic(const QString& text)
{
    static const QRegularExpression cyrillic(QStringLiteral("[\\x{0400}-\\x{04FF}]"));
    return text.contains(cyrillic);
}

} // namespace

class TestStudioLanguage : public QObject
{
    Q_OBJECT

private slots:
    void tsFilesComplete_data();
    void tsFilesComplete();
    void sourcesHaveNoStringsTheTsFilesLack();
    void languageManager();
    void switchingChangesVisibleTexts();
    void layoutRemembered();
};

void TestStudioLanguage::tsFilesComplete_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << "en";
    QTest::newRow("ru") << "ru";
}

void TestStudioLanguage::tsFilesComplete()
{
    QFETCH(QString, language);
    const TsStats stats = readTs(sourceDir() + QStringLiteral("/translations/mmf_%1.ts").arg(language));
    QVERIFY(stats.parsed);
    QVERIFY(stats.messages > 50);
    QVERIFY2(stats.unfinished.isEmpty(), qPrintable(QStringLiteral("%1 unfinished, e.g. \"%2\"")
                                                        .arg(stats.unfinished.size())
                                                        .arg(stats.unfinished.value(0))));
}

void TestStudioLanguage::sourcesHaveNoStringsTheTsFilesLack()
{
    // lupdate over app/ into a copy of the .ts files: it must find nothing new and drop nothing.
    QTemporaryDir dir;
    QStringList copies;
    for (const QString& language : LanguageManager::available()) {
        const QString from = sourceDir() + QStringLiteral("/translations/mmf_%1.ts").arg(language);
        const QString to = dir.filePath(QStringLiteral("mmf_%1.ts").arg(language));
        QVERIFY(QFile::copy(from, to));
        copies << to;
    }
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(lupdateProgram(), QStringList{QStringLiteral("-locations"), QStringLiteral("none"),
                                                QStringLiteral("-no-obsolete"),
                                                sourceDir() + QStringLiteral("/app"), QStringLiteral("-ts")} +
                                        copies);
    QVERIFY2(lupdate.waitForFinished(120000), qPrintable(lupdate.errorString()));
    const QString output = QString::fromUtf8(lupdate.readAll());
    QVERIFY2(lupdate.exitCode() == 0, qPrintable(output));
    for (const QString& copy : copies) {
        const TsStats committed =
            readTs(sourceDir() + QStringLiteral("/translations/") + QFileInfo(copy).fileName());
        const TsStats fresh = readTs(copy);
        QStringList missing;
        for (const QString& source : fresh.sources)
            if (!committed.sources.contains(source))
                missing << source;
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("%1 lacks %2 string(s) of app/, e.g. \"%3\"; run "
                                           "`ninja mmf_lupdate` and translate them")
                                .arg(QFileInfo(copy).fileName())
                                .arg(missing.size())
                                .arg(missing.value(0))));
        QVERIFY2(fresh.unfinished.isEmpty(), qPrintable(fresh.unfinished.value(0)));
    }
}

void TestStudioLanguage::languageManager()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    QVERIFY(QFile::exists(":/i18n/mmf_en.qm"));
    QVERIFY(QFile::exists(":/i18n/mmf_ru.qm"));
    {
        LanguageManager languages(settings);
        QVERIFY(!languages.setLanguage("xx"));
        QVERIFY(languages.setLanguage("ru"));
        QCOMPARE(languages.language(), QStringLiteral("ru"));
        QVERIFY(hasCyrillic(QCoreApplication::translate("mmf::studio::SettingsPage", "Settings")));
    }
    // The destructor removed its translator; the choice is remembered.
    QCOMPARE(QCoreApplication::translate("mmf::studio::SettingsPage", "Settings"),
             QStringLiteral("Settings"));
    LanguageManager again(settings);
    QCOMPARE(again.initialLanguage(), QStringLiteral("ru"));
}

void TestStudioLanguage::switchingChangesVisibleTexts()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    settings.setValue("ui/language", "en");
    ApiClient api;
    Session session(api, settings);
    EventStream events(api);
    StudioContext context{api, session, events, settings};
    MainWindow window(context);
    window.setSignInPrompts(false);
    window.resize(1200, 800);
    window.show();

    auto* settingsPage = qobject_cast<SettingsPage*>(window.page("settings"));
    QVERIFY(settingsPage);
    const QString englishTitle = window.windowTitle();
    QCOMPARE(englishTitle, QStringLiteral("MMF Studio"));
    const QStringList english = visibleTexts(&window);
    QVERIFY(english.contains("Dictionary"));

    // Through the settings page's combo, as a user would.
    auto* combo = settingsPage->findChild<QComboBox*>("languageCombo");
    QVERIFY(combo);
    combo->setCurrentIndex(combo->findData("ru"));
    QCOMPARE(settingsPage->languages().language(), QStringLiteral("ru"));
    QTRY_VERIFY(visibleTexts(&window).contains(QStringLiteral("Словарь")));
    QVERIFY(!visibleTexts(&window).contains(QStringLiteral("Dictionary")));

    const TsStats ru = readTs(sourceDir() + QStringLiteral("/translations/mmf_ru.ts"));
    QStringList stale;
    QStringList staleElsewhere;
    for (const char* name : {"dashboard", "details", "dictionary", "settings"})
        QVERIFY2(window.page(QLatin1String(name)), name);
    // Compare window-wide: English texts that are translatable but still shown after the switch.
    const QStringList russian = visibleTexts(&window);
    for (const QString& text : english) {
        if (ru.translations.value(text, text) != text && russian.contains(text))
            stale << text;
    }
    // The pages of this suite must retranslate completely; the rest is reported.
    QSet<QString> mine;
    for (const char* name : {"dashboard", "details", "dictionary", "settings"})
        for (const QString& text : visibleTexts(window.page(QLatin1String(name))))
            mine.insert(text);
    for (const QString& text : std::as_const(stale))
        if (!mine.contains(text))
            staleElsewhere << text;
    stale.erase(
        std::remove_if(stale.begin(), stale.end(), [&](const QString& t) { return !mine.contains(t); }),
        stale.end());
    if (!staleElsewhere.isEmpty())
        qWarning("texts that stay English after switching to Russian (other widgets): %s",
                 qPrintable(staleElsewhere.join(" | ")));
    QVERIFY2(stale.isEmpty(), qPrintable(stale.join(" | ")));
    QVERIFY(
        visibleTexts(window.page("dictionary")).filter(QRegularExpression("[\\x{0400}-\\x{04FF}]")).size() >
        0);

    // And back.
    QVERIFY(settingsPage->setLanguage("en"));
    // Qt posts QEvent::LanguageChange: let it arrive.
    QTRY_VERIFY(visibleTexts(&window).contains("Dictionary"));
    QCOMPARE(window.windowTitle(), englishTitle);
    const QStringList back = visibleTexts(&window);
    QStringList differ;
    for (qsizetype i = 0; i < std::min(back.size(), english.size()); ++i)
        if (back[i] != english[i])
            differ << english[i] + QStringLiteral(" ≠ ") + back[i];
    QVERIFY2(differ.isEmpty(), qPrintable(differ.join(" | ")));
    QCOMPARE(back.size(), english.size());
    QCOMPARE(combo->currentData().toString(), QStringLiteral("en"));
    QVERIFY(visibleTexts(&window).contains("Dictionary"));
    QCOMPARE(settings.value("ui/language").toString(), QStringLiteral("en"));
}

void TestStudioLanguage::layoutRemembered()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    ApiClient api;
    Session session(api, settings);
    EventStream events(api);
    StudioContext context{api, session, events, settings};
    {
        MainWindow window(context);
        window.setSignInPrompts(false);
        window.show();
        window.resize(1000, 640);
        window.showPage("dictionary");
        QTRY_COMPARE(window.size(), QSize(1000, 640));
        window.close();
    }
    QVERIFY(settings.contains("mainWindow/geometry"));
    MainWindow again(context);
    again.setSignInPrompts(false);
    again.show();
    QTRY_COMPARE(again.size(), QSize(1000, 640));
    QCOMPARE(again.currentPage(), QStringLiteral("dictionary"));

    // Reset from the settings page: the remembered layout is gone and the window is back to its default size.
    auto* settingsPage = qobject_cast<SettingsPage*>(again.page("settings"));
    QVERIFY(settingsPage);
    QSignalSpy forgotten(settingsPage, &SettingsPage::layoutForgotten);
    settingsPage->findChild<QAbstractButton*>("forgetLayoutButton")->click();
    QCOMPARE(forgotten.count(), 1);
    QVERIFY(!settings.contains("mainWindow/geometry"));
    QTRY_COMPARE(again.size(), QSize(1200, 800));
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestStudioLanguage test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_studio_language.moc"
