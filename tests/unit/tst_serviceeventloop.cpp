// ServiceEventLoop: the main thread's dispatcher is an EpollEventDispatcher unless MMF_EVENT_DISPATCHER says
// qt; threads made after preferPollDispatcher() run Qt's poll-based dispatcher, not GLib's, and an operator's
// own QT_NO_GLIB (even empty) decides instead. Each thread's dispatcher is created when it starts, so a fresh
// QThread shows what the next process's main thread would get.
#include "core/EpollEventDispatcher.h"
#include "core/ServiceEventLoop.h"

#include <QAbstractEventDispatcher>
#include <QThread>
#include <QtTest>

#include <memory>

using namespace mmf;

namespace {

QByteArray dispatcherOfNewThread()
{
    QByteArray name;
    std::unique_ptr<QThread> thread(QThread::create([&name] {
        if (QAbstractEventDispatcher* dispatcher = QThread::currentThread()->eventDispatcher())
            name = dispatcher->metaObject()->className();
    }));
    thread->start();
    thread->wait();
    return name;
}

} // namespace

class TestServiceEventLoop : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { qunsetenv("QT_NO_GLIB"); }

    void choosesThePollDispatcher()
    {
        qunsetenv("QT_NO_GLIB");
        ServiceEventLoop::preferPollDispatcher();
        QCOMPARE(qgetenv("QT_NO_GLIB"), QByteArray("1"));
        QCOMPARE(dispatcherOfNewThread(), QByteArray("QEventDispatcherUNIX"));
    }

    void theMainThreadGetsEpollUnlessToldOtherwise()
    {
        const std::unique_ptr<QAbstractEventDispatcher> chosen =
            ServiceEventLoop::mainDispatcher(QByteArray());
        QVERIFY(chosen);
        QVERIFY(qobject_cast<EpollEventDispatcher*>(chosen.get()));
        QVERIFY(qobject_cast<EpollEventDispatcher*>(ServiceEventLoop::mainDispatcher("epoll").get()));
        QVERIFY(!ServiceEventLoop::mainDispatcher("qt")); // the way out: Qt's own
        QVERIFY(!ServiceEventLoop::mainDispatcher("kqueue"));
    }

    void anOperatorsChoiceStands()
    {
        qputenv("QT_NO_GLIB", QByteArray()); // set but empty: GLib, as Qt would choose by itself
        ServiceEventLoop::preferPollDispatcher();
        QVERIFY(qEnvironmentVariableIsSet("QT_NO_GLIB"));
        QCOMPARE(qgetenv("QT_NO_GLIB"), QByteArray());
        QCOMPARE(dispatcherOfNewThread(), QByteArray("QEventDispatcherGlib"));
    }
};

QTEST_GUILESS_MAIN(TestServiceEventLoop)
#include "tst_serviceeventloop.moc"
