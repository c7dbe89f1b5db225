// EpollEventDispatcher as the main thread's dispatcher (as ServiceEventLoop installs it): posted events and
// wake-ups from other threads, timers (order, killing, nesting, the dispatcher's timer queries), socket
// notifiers switched on and off, a descriptor number reused by a new socket, a regular file (epoll refuses
// it), a nested loop inside a handler, many idle notifiers beside one busy one, and calls queued on the
// loop's own thread (no eventfd write, and no wait while one is pending; a chain of them in one turn, a
// bounded number of rounds).
#include "core/EpollEventDispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

using namespace mmf;

namespace {

struct SocketPair
{
    int fds[2] = {-1, -1};
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds); }
    ~SocketPair()
    {
        for (int fd : fds) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    bool ok() const { return fds[0] >= 0 && fds[1] >= 0; }
    bool send(char c) const { return ::write(fds[1], &c, 1) == 1; }
    int drain() const
    {
        char buffer[256];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        return int(n);
    }
};

// Counts the activations of a read notifier on `pair`'s first end, reading what made each.
void countReads(QSocketNotifier& notifier, const SocketPair& pair, int& activations)
{
    QObject::connect(&notifier, &QSocketNotifier::activated, &notifier, [&pair, &activations] {
        ++activations;
        pair.drain();
    });
}

// Runs the loop for `ms` (a timer ends it), so that whatever is ready gets its turn.
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Queues a call (from any thread) that sets `flag` and ends `loop`.
void queueSetAndQuit(QObject& receiver, bool& flag, QEventLoop& loop)
{
    QMetaObject::invokeMethod(
        &receiver,
        [&flag, &loop] {
            flag = true;
            loop.quit();
        },
        Qt::QueuedConnection);
}

class TimerLog : public QObject
{
public:
    std::vector<int> fired;
    int killOnFire = 0; // a timer id to kill when any timer fires
    void timerEvent(QTimerEvent* event) override
    {
        fired.push_back(event->timerId());
        if (killOnFire != 0) {
            killTimer(killOnFire);
            killOnFire = 0;
        }
    }
};

} // namespace

class TestEpollEventDispatcher : public QObject
{
    Q_OBJECT
private slots:
    void isTheMainThreadsDispatcher()
    {
        QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance();
        QVERIFY(dispatcher);
        QCOMPARE(QByteArray(dispatcher->metaObject()->className()), QByteArray("mmf::EpollEventDispatcher"));
    }

    void wakeUpFromAnotherThreadDeliversAPostedCall()
    {
        auto* dispatcher = qobject_cast<EpollEventDispatcher*>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        const quint64 writesBefore = dispatcher->wakeWrites();
        QObject receiver;
        bool delivered = false;
        QEventLoop loop;
        QTimer::singleShot(10'000, &loop, &QEventLoop::quit); // a guard, not a timing
        std::thread poster([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(30)); // the loop is blocked in epoll by now
            queueSetAndQuit(receiver, delivered, loop);
        });
        loop.exec();
        poster.join();
        QVERIFY(delivered);
        QVERIFY(dispatcher->wakeWrites() > writesBefore); // from another thread the eventfd is written
    }

    void aCallQueuedOnTheLoopThreadWritesNoWakeUp()
    {
        auto* dispatcher = qobject_cast<EpollEventDispatcher*>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        QCoreApplication::processEvents(); // a wake-up left from an earlier test is read now
        QObject receiver;
        int delivered = 0;
        quint64 writesBefore = 0;
        quint64 writesAfter = 0;
        QEventLoop loop;
        // From inside the loop (a handler), as a group commit or a Redis flush is queued.
        QMetaObject::invokeMethod(
            &receiver,
            [&] {
                writesBefore = dispatcher->wakeWrites();
                for (int i = 0; i < 3; ++i) {
                    QMetaObject::invokeMethod(
                        &receiver,
                        [&] {
                            if (++delivered == 3) {
                                writesAfter = dispatcher->wakeWrites();
                                loop.quit();
                            }
                        },
                        Qt::QueuedConnection);
                }
            },
            Qt::QueuedConnection);
        loop.exec();
        QCOMPARE(delivered, 3);
        QCOMPARE(writesAfter, writesBefore);
    }

    void aCallQueuedJustBeforeTheWaitIsNotLeftWaiting()
    {
        // A call queued on the loop thread after the turn's posted events were sent (here: from aboutToBlock)
        // writes no eventfd, so the wait must not block. Without that, only the rescuer would end the wait.
        auto* dispatcher = qobject_cast<EpollEventDispatcher*>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        QCoreApplication::processEvents(); // a wake-up left from an earlier test would end the wait
        QObject receiver;
        QEventLoop loop;
        bool delivered = false;
        bool queued = false;
        const auto connection = connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, &receiver, [&] {
            if (queued)
                return;
            queued = true;
            queueSetAndQuit(receiver, delivered, loop);
        });
        std::mutex mutex;
        std::condition_variable done;
        bool finished = false;
        std::atomic<bool> rescued{false};
        std::thread rescuer([&] {
            std::unique_lock lock(mutex);
            if (!done.wait_for(lock, std::chrono::seconds(20), [&] { return finished; })) {
                rescued = true;
                dispatcher->wakeUp();
            }
        });
        loop.exec();
        {
            std::lock_guard lock(mutex);
            finished = true;
        }
        done.notify_one();
        rescuer.join();
        disconnect(connection);
        QVERIFY(queued);
        QVERIFY(delivered);
        QVERIFY(!rescued);
    }

    void aChainOfQueuedCallsRunsWithoutAskingEpoll()
    {
        // A handler queues a call that queues another (an outcome, then its Redis write): all run in the turn
        // that sent the first; each round used to cost a poll of epoll that found nothing.
        auto* dispatcher = qobject_cast<EpollEventDispatcher*>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        QObject receiver;
        QEventLoop loop;
        quint64 waitsAtFirst = 0;
        quint64 waitsAtLast = 0;
        std::function<void(int)> link = [&](int left) {
            if (left == 0) {
                waitsAtLast = dispatcher->waitCalls();
                loop.quit();
                return;
            }
            QMetaObject::invokeMethod(
                &receiver, [&link, left] { link(left - 1); }, Qt::QueuedConnection);
        };
        QMetaObject::invokeMethod(
            &receiver,
            [&] {
                waitsAtFirst = dispatcher->waitCalls();
                link(3);
            },
            Qt::QueuedConnection);
        loop.exec();
        QCOMPARE(waitsAtLast, waitsAtFirst);
    }

    void aCallQueuingItselfLeavesReadyDescriptorsAFewRounds()
    {
        // The rounds are bounded: a call that queues itself again and again does not keep a ready socket (or
        // a timer) waiting behind it.
        SocketPair pair;
        QVERIFY(pair.ok());
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        QVERIFY(pair.send('a'));
        QObject receiver;
        QEventLoop loop;
        int runs = 0;
        int runsAtActivation = -1;
        connect(&notifier, &QSocketNotifier::activated, &receiver, [&] {
            pair.drain();
            runsAtActivation = runs;
        });
        std::function<void()> again = [&] {
            if (++runs == 1000) {
                loop.quit();
                return;
            }
            QMetaObject::invokeMethod(&receiver, again, Qt::QueuedConnection);
        };
        QMetaObject::invokeMethod(&receiver, again, Qt::QueuedConnection);
        loop.exec();
        QVERIFY(runsAtActivation > 0);
        QVERIFY2(runsAtActivation <= EpollEventDispatcher::kSendRounds,
                 qPrintable(QString::number(runsAtActivation)));
    }

    void timersFireInOrderAndRepeat()
    {
        TimerLog log;
        const int late = log.startTimer(40);
        const int early = log.startTimer(5);
        QTRY_VERIFY_WITH_TIMEOUT(std::count(log.fired.begin(), log.fired.end(), late) >= 1, 10'000);
        QVERIFY(!log.fired.empty());
        QCOMPARE(log.fired.front(), early);
        QVERIFY(std::count(log.fired.begin(), log.fired.end(), early) >= 2); // 5 ms repeats before 40 ms
        log.killTimer(early);
        log.killTimer(late);
        const size_t before = log.fired.size();
        spin(30);
        QCOMPARE(log.fired.size(), before);

        QElapsedTimer clock;
        clock.start();
        bool single = false;
        QTimer::singleShot(25, [&] { single = true; });
        QTRY_VERIFY_WITH_TIMEOUT(single, 10'000);
        QVERIFY(clock.elapsed() >= 25); // never early
    }

    void aTimerKilledByAnotherDueOneDoesNotFire()
    {
        TimerLog log;
        const int first = log.startTimer(0);
        const int second = log.startTimer(0);
        log.killOnFire = second; // whichever fires first kills the second
        QCoreApplication::processEvents();
        QCOMPARE(log.fired, std::vector<int>{first});
        log.killTimer(first);
    }

    void timerQueries()
    {
        QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance();
        QObject owner;
        const int id = owner.startTimer(1000, Qt::PreciseTimer);
        const QList<QAbstractEventDispatcher::TimerInfo> timers = dispatcher->registeredTimers(&owner);
        QCOMPARE(timers.size(), 1);
        QCOMPARE(timers.front().timerId, id);
        QCOMPARE(timers.front().interval, 1000);
        QCOMPARE(timers.front().timerType, Qt::PreciseTimer);
        const int remaining = dispatcher->remainingTime(id);
        QVERIFY2(remaining > 0 && remaining <= 1000, qPrintable(QString::number(remaining)));
        owner.killTimer(id);
        QVERIFY(dispatcher->registeredTimers(&owner).isEmpty());
        QCOMPARE(dispatcher->remainingTime(id), -1);
    }

    void millisecondWaitsToo()
    {
        // The epoll_wait path (kernels before 5.11, or a seccomp filter refusing epoll_pwait2), in a thread
        // of its own: timers are never early, posted calls arrive, a socket wakes it.
        QThread thread;
        thread.setEventDispatcher(new EpollEventDispatcher(EpollEventDispatcher::Waits::Milliseconds));
        thread.start();
        QObject inThread;
        inThread.moveToThread(&thread);
        std::atomic<qint64> elapsedMs{-1};
        std::atomic<int> socketActivations{0};
        SocketPair pair;
        QVERIFY(pair.ok());
        QMetaObject::invokeMethod(&inThread, [&] {
            auto* clock = new QElapsedTimer;
            clock->start();
            QTimer::singleShot(3, &inThread, [&, clock] {
                elapsedMs = clock->elapsed();
                delete clock;
            });
            auto* notifier = new QSocketNotifier(pair.fds[0], QSocketNotifier::Read, &inThread);
            connect(notifier, &QSocketNotifier::activated, &inThread, [&, notifier] {
                ++socketActivations;
                pair.drain();
                notifier->setEnabled(false);
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(elapsedMs.load() >= 0, 10'000);
        QVERIFY2(elapsedMs.load() >= 3, qPrintable(QString::number(elapsedMs.load())));
        QVERIFY(pair.send('m'));
        QTRY_COMPARE_WITH_TIMEOUT(socketActivations.load(), 1, 10'000);
        QMetaObject::invokeMethod(
            &inThread, [&] { qDeleteAll(inThread.children()); }, Qt::BlockingQueuedConnection);
        thread.quit();
        QVERIFY(thread.wait(10'000));
    }

    void readNotifierFollowsItsSwitch()
    {
        SocketPair pair;
        QVERIFY(pair.ok());
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        int activations = 0;
        countReads(notifier, pair, activations);
        QVERIFY(pair.send('a'));
        QTRY_COMPARE_WITH_TIMEOUT(activations, 1, 10'000);

        notifier.setEnabled(false);
        QVERIFY(pair.send('b'));
        spin(30);
        QCOMPARE(activations, 1); // off: nothing, though data waits

        notifier.setEnabled(true);
        QTRY_COMPARE_WITH_TIMEOUT(activations, 2, 10'000); // on again: the waiting byte
    }

    void writeNotifierSwitchedManyTimesInOneTurn()
    {
        SocketPair pair;
        QVERIFY(pair.ok());
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Write);
        QSignalSpy activated(&notifier, &QSocketNotifier::activated);
        for (int i = 0; i < 1000; ++i) {
            notifier.setEnabled(false);
            notifier.setEnabled(true);
        }
        QVERIFY(activated.wait(10'000)); // left on: a writable socket activates it
        notifier.setEnabled(false);
        activated.clear();
        spin(30);
        QCOMPARE(activated.size(), 0); // left off: never
    }

    void aReusedDescriptorNumberGetsItsEvents()
    {
        // A socket closed while its notifier is still registered, its number taken by a new socket with a
        // notifier of its own: epoll forgot the old one on close, the new one must still be told to epoll.
        SocketPair first;
        QVERIFY(first.ok());
        const int number = first.fds[0];
        auto stale = std::make_unique<QSocketNotifier>(number, QSocketNotifier::Read);
        QCoreApplication::processEvents(); // applied to epoll
        SocketPair second;
        QVERIFY(second.ok());
        QCOMPARE(::dup2(second.fds[0], number), number); // closes the first socket's end, reuses the number
        ::close(second.fds[0]);
        second.fds[0] = number;
        first.fds[0] = -1; // now owned by `second`

        QSocketNotifier fresh(number, QSocketNotifier::Read);
        QSignalSpy activated(&fresh, &QSocketNotifier::activated);
        stale.reset(); // switching off the replaced notifier leaves the new one alone
        QVERIFY(second.send('x'));
        QVERIFY(activated.wait(10'000));

        // The ordinary order: notifier off, socket closed, number reused.
        second.drain();
        {
            SocketPair third;
            QVERIFY(third.ok());
            const int reused = third.fds[0];
            {
                QSocketNotifier gone(reused, QSocketNotifier::Read);
                QCoreApplication::processEvents();
            }
            SocketPair fourth;
            QVERIFY(fourth.ok());
            QCOMPARE(::dup2(fourth.fds[0], reused), reused);
            ::close(fourth.fds[0]);
            fourth.fds[0] = reused;
            third.fds[0] = -1;
            QSocketNotifier again(reused, QSocketNotifier::Read);
            QSignalSpy spy(&again, &QSocketNotifier::activated);
            QVERIFY(fourth.send('y'));
            QVERIFY(spy.wait(10'000));
        }
    }

    void aRegularFileIsAlwaysReady()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("data");
        file.flush();
        QSocketNotifier notifier(file.handle(), QSocketNotifier::Read); // epoll_ctl says EPERM
        QSignalSpy activated(&notifier, &QSocketNotifier::activated);
        QVERIFY(activated.wait(10'000));
        notifier.setEnabled(false);
        activated.clear();
        spin(30);
        QCOMPARE(activated.size(), 0);
    }

    void aNestedLoopInAHandler()
    {
        SocketPair pair;
        QVERIFY(pair.ok());
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        bool nestedTimerFired = false;
        int activations = 0;
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            ++activations;
            pair.drain();
            notifier.setEnabled(false);
            QEventLoop nested;
            QTimer::singleShot(5, &nested, [&] {
                nestedTimerFired = true;
                nested.quit();
            });
            nested.exec();
        });
        QVERIFY(pair.send('n'));
        QTRY_VERIFY_WITH_TIMEOUT(nestedTimerFired, 10'000);
        QCOMPARE(activations, 1);
    }

    void manyIdleNotifiersBesideABusyOne()
    {
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> idle;
        int idleActivations = 0;
        for (int i = 0; i < 300; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            QVERIFY(pairs.back()->ok());
            idle.push_back(std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
            countReads(*idle.back(), *pairs.back(), idleActivations);
        }
        SocketPair busy;
        QVERIFY(busy.ok());
        QSocketNotifier notifier(busy.fds[0], QSocketNotifier::Read);
        int busyActivations = 0;
        countReads(notifier, busy, busyActivations);
        for (int i = 1; i <= 20; ++i) {
            QVERIFY(busy.send('b'));
            QTRY_COMPARE_WITH_TIMEOUT(busyActivations, i, 10'000);
        }
        QCOMPARE(idleActivations, 0);
        QVERIFY(pairs.back()->send('i'));
        QTRY_COMPARE_WITH_TIMEOUT(idleActivations, 1, 10'000);
    }
};

int main(int argc, char** argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher); // as ServiceEventLoop::prepare() does
    QCoreApplication app(argc, argv);
    TestEpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolleventdispatcher.moc"
