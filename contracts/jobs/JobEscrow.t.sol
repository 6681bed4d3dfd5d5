// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Foundry naming: test_*, testFuzz_*, invariant_*.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {JobEscrow} from "./JobEscrow.sol";
import {Escrow} from "../escrow/Escrow.sol";
import {EscrowMath, Split} from "../escrow/EscrowMath.sol";
import {StakingVault} from "../defi/StakingVault.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";
import {StoaToken} from "../token/StoaToken.sol";
import {DevStablecoin} from "../dev/DevStablecoin.sol";
import {RejectingReceiver} from "../test/Attackers.sol";
import {HookToken} from "../test/MockTokens.sol";

/// @notice Drives the real JobEscrow with random, bounded calls (jobs of 1-3 milestones, funded,
/// started, submitted, approved, claimed, disputed, ruled, resolved unruled, cancelled by either
/// party; withdrawals, fee sweeps, fee changes and time warps) and keeps the ghost state of every
/// milestone: its terms, whether it was funded, how it ended and what it paid out.
/// @dev One actor is a contract that rejects ETH and is blocked by the hook token, so that some
/// pushes become credits. Every settlement is measured from the outside (balances plus credits of
/// employer, worker and arbiter, plus accrued fees) and compared with EscrowMath's split for the
/// job's snapshotted terms.
contract JobEscrowHandler is CommonBase, StdCheats, StdUtils {
    enum Action {
        Fund,
        Start,
        Submit,
        Approve,
        Claim,
        Dispute,
        Rule,
        ResolveUnruled,
        CancelByEmployer,
        CancelByWorker
    }

    /// @notice Ghost record of one milestone.
    struct Ghost {
        uint256 jobId;
        uint256 index;
        uint256 amount;
        bool funded;
        JobEscrow.MilestoneStatus finalStatus;
        uint256 settleCount;
        uint256 paidOut;
    }

    JobEscrow public immutable jobs;
    StoaRegistry public immutable registry;
    StakingVault public immutable vault;
    DevStablecoin public immutable dusd;
    HookToken public immutable hook;
    address public immutable admin;
    address public immutable sink;

    address[] public actors;
    address[] public arbiters;
    address[] public tokens;

    uint256 private constant MAX_OPEN_MILESTONES = 6;

    /// @dev Ghost state.
    Ghost[] internal _milestones;
    uint256 public openMilestones;
    mapping(uint256 jobId => JobEscrow.Job) internal _jobOf;
    mapping(address token => uint256) public unsettled;
    uint256 public doubleSettlements;
    uint256 public splitMismatches;
    uint256 public jobMismatches;
    uint256 public wrongResettleErrors;
    uint256 public strangerSettlements;
    uint256 public wrongStrangerErrors;
    /// @dev How often each kind of call succeeded, to check that the campaign reaches every path.
    mapping(bytes32 name => uint256) public successes;

    constructor(
        JobEscrow jobs_,
        StakingVault vault_,
        DevStablecoin dusd_,
        HookToken hook_,
        address admin_,
        address[] memory actors_,
        address[] memory arbiters_
    ) {
        jobs = jobs_;
        registry = jobs_.registry();
        vault = vault_;
        dusd = dusd_;
        hook = hook_;
        admin = admin_;
        actors = actors_;
        arbiters = arbiters_;
        tokens.push(address(0));
        tokens.push(address(dusd_));
        tokens.push(address(hook_));
        sink = makeAddr("sink");
    }

    // ---------------------------------------------------------------- views for the invariants

    function milestoneCount() external view returns (uint256) {
        return _milestones.length;
    }

    function ghost(uint256 i) external view returns (Ghost memory) {
        return _milestones[i];
    }

    function jobOf(uint256 jobId) external view returns (JobEscrow.Job memory) {
        return _jobOf[jobId];
    }

    /// @notice Every account that can hold a credit: actors, arbiters, the treasury and the sink.
    function creditHolders() public view returns (address[] memory holders) {
        holders = new address[](actors.length + arbiters.length + 2);
        uint256 n;
        for (uint256 i = 0; i < actors.length; ++i) holders[n++] = actors[i];
        for (uint256 i = 0; i < arbiters.length; ++i) holders[n++] = arbiters[i];
        holders[n++] = registry.treasury();
        holders[n] = sink;
    }

    function tokenList() external view returns (address[] memory) {
        return tokens;
    }

    // ---------------------------------------------------------------- actions

    function createJob(
        uint256 employerSeed,
        uint256 workerSeed,
        uint256 arbiterSeed,
        uint256 tokenSeed,
        uint256 countSeed,
        uint256 planSeed
    ) external {
        // Few milestones at a time, so that calls carry them further than funding.
        if (openMilestones >= MAX_OPEN_MILESTONES) return;
        StoaRegistry.Params memory params = registry.params();
        JobEscrow.Job memory job = JobEscrow.Job({
            employer: actors[employerSeed % actors.length],
            worker: actors[workerSeed % actors.length],
            arbiter: arbiters[arbiterSeed % arbiters.length],
            token: tokens[tokenSeed % tokens.length],
            jobHash: keccak256(abi.encode(employerSeed, planSeed)),
            protocolFeeBps: params.protocolFeeBps,
            arbiterFeeBps: params.arbiterFeeBps,
            rulingPeriod: params.rulingPeriod,
            reviewPeriod: params.minDisputeWindow
        });
        if (job.worker == job.employer) job.worker = actors[(workerSeed + 1) % actors.length];
        (uint128[] memory amounts, uint40[] memory deadlines) = _plan(job.token, countSeed, planSeed, params);

        vm.prank(job.employer);
        try jobs.createJob(job.worker, job.arbiter, job.token, job.jobHash, amounts, deadlines) returns (
            uint256 jobId
        ) {
            // The ghost job (built from the arguments and the registry's terms) is what the
            // contract stored.
            if (keccak256(abi.encode(jobs.getJob(jobId))) != keccak256(abi.encode(job))) ++jobMismatches;
            _jobOf[jobId] = job;
            for (uint256 i = 0; i < amounts.length; ++i) {
                _milestones.push(Ghost(jobId, i, amounts[i], false, JobEscrow.MilestoneStatus.None, 0, 0));
            }
            openMilestones += amounts.length;
            ++successes["createJob"];
        } catch {}
    }

    function fund(uint256 seed) external {
        _fund(seed);
    }

    /// @param fundFirst Whether the employer first funds a milestone (one call less in the chain).
    function start(uint256 seed, bool fundFirst) external {
        if (fundFirst) _fund(seed);
        _start(seed);
    }

    /// @param startFirst Whether the worker first starts a funded milestone.
    function submit(uint256 seed, bool startFirst) external {
        if (_milestones.length == 0) return;
        if (startFirst) _start(seed);
        Ghost storage g = _milestones[_pick(seed, Action.Submit)];
        vm.prank(_jobOf[g.jobId].worker);
        try jobs.submitMilestone(g.jobId, g.index, "bafkreideliverable") {
            ++successes["submit"];
        } catch {}
    }

    function dispute(uint256 seed, bool byWorker) external {
        if (_milestones.length == 0) return;
        Ghost storage g = _milestones[_pick(seed, Action.Dispute)];
        JobEscrow.Job memory job = _jobOf[g.jobId];
        vm.prank(byWorker ? job.worker : job.employer);
        try jobs.disputeMilestone(g.jobId, g.index) {
            ++successes["dispute"];
        } catch {}
    }

    function approve(uint256 seed) external {
        _settle(seed, Action.Approve, 0);
    }

    /// @param skipAhead Whether to first warp to the end of a submission's review period.
    function claim(uint256 seed, bool skipAhead) external {
        if (skipAhead) _skipAhead(seed, Action.Claim);
        _settle(seed, Action.Claim, 0);
    }

    function rule(uint256 seed, uint256 employerBps) external {
        // Mostly valid rulings, a few above 100% (BpsAboveWhole).
        _settle(seed, Action.Rule, _bound(employerBps, 0, 10_200));
    }

    /// @param skipAhead Whether to first warp to the end of a dispute's ruling period.
    function resolveUnruled(uint256 seed, bool byWorker, bool skipAhead) external {
        if (skipAhead) _skipAhead(seed, Action.ResolveUnruled);
        _settle(seed, Action.ResolveUnruled, byWorker ? 1 : 0);
    }

    /// @notice Cancels the milestone at `seed` (not the first cancellable one: cancelling is
    /// possible in so many states that it would end most milestones early).
    /// @param skipAhead Whether to first warp past the deadline of a started milestone, so that
    /// the employer may cancel it.
    function cancel(uint256 seed, bool byWorker, bool skipAhead) external {
        if (skipAhead && !byWorker) _skipAhead(seed, Action.CancelByEmployer);
        _settle(seed, byWorker ? Action.CancelByWorker : Action.CancelByEmployer, 0);
    }

    /// @notice Tries every settling call (and dispute) on a milestone that already ended, with the
    /// right caller: each must revert.
    function resettle(uint256 seed, uint8 actionSeed, uint256 employerBps) external {
        uint256 count = _milestones.length;
        for (uint256 i = 0; i < count; ++i) {
            Ghost memory g = _milestones[(seed + i) % count];
            if (g.finalStatus == JobEscrow.MilestoneStatus.None) continue;
            Action action = Action(3 + (actionSeed % 7)); // Approve .. CancelByWorker
            (bool ok, bytes memory err) = _call(g, action, _bound(employerBps, 0, 10_000), address(0));
            if (ok) {
                ++doubleSettlements;
            } else if (
                bytes4(err) != JobEscrow.WrongMilestoneStatus.selector &&
                bytes4(err) != StoaRegistry.InsufficientArbiterStake.selector
            ) {
                ++wrongResettleErrors;
            } else {
                ++successes["resettleReverted"];
            }
            return;
        }
    }

    /// @notice An account that may not take `action` on a milestone (the other party, the
    /// arbiter or an outsider) tries it: it must revert with Unauthorized or NotJobParty. With
    /// `unknown`, the entitled party names a milestone past the job's last one: UnknownMilestone.
    function actAsStranger(uint256 seed, uint8 actionSeed, uint256 strangerSeed, bool unknown) external {
        if (_milestones.length == 0) return;
        Ghost memory g = _milestones[seed % _milestones.length];
        JobEscrow.Job memory job = _jobOf[g.jobId];
        Action action = Action(actionSeed % 10);
        address caller;
        bytes4 expected = JobEscrow.UnknownMilestone.selector;
        if (unknown) {
            g.index = jobs.getMilestones(g.jobId).length;
        } else {
            address[] memory accounts = creditHolders();
            for (uint256 i = 0; i < accounts.length; ++i) {
                caller = accounts[(strangerSeed + i) % accounts.length];
                if (!_mayTake(job, action, caller)) break;
            }
        }
        (bool ok, bytes memory err) = _call(g, action, 5_000, caller);
        if (ok) {
            ++strangerSettlements;
            return;
        }
        bytes4 selector = bytes4(err);
        if (
            unknown
                ? selector != expected
                : selector != Escrow.Unauthorized.selector && selector != JobEscrow.NotJobParty.selector
        ) {
            ++wrongStrangerErrors;
        } else {
            ++successes["strangerReverted"];
        }
    }

    /// @notice An account withdraws a credit: the first (account, token) from the seeds on with
    /// a credit, or the pair at the seeds (whose withdrawal reverts).
    function withdraw(uint256 accountSeed, uint256 tokenSeed, bool toSelf) external {
        address[] memory holders = creditHolders();
        address token = tokens[tokenSeed % tokens.length];
        address account = holders[accountSeed % holders.length];
        for (uint256 i = 0; i < holders.length * tokens.length; ++i) {
            address candidate = holders[(accountSeed + i) % holders.length];
            address currency = tokens[(tokenSeed + i / holders.length) % tokens.length];
            if (jobs.credits(candidate, currency) != 0) {
                (account, token) = (candidate, currency);
                break;
            }
        }
        vm.prank(account);
        try jobs.withdraw(token, toSelf ? account : sink) {
            ++successes["withdraw"];
        } catch {}
    }

    function sweepFees(uint256 tokenSeed) external {
        try jobs.sweepFees(tokens[tokenSeed % tokens.length]) {
            ++successes["sweepFees"];
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 1 days));
    }

    /// @notice The DAO changes fees and windows: existing jobs keep the terms they were created
    /// with.
    function setParams(uint256 protocolFeeBps, uint256 arbiterFeeBps, uint256 reviewSeed) external {
        StoaRegistry.Params memory params = registry.params();
        params.protocolFeeBps = uint16(_bound(protocolFeeBps, 0, registry.MAX_PROTOCOL_FEE_BPS()));
        params.arbiterFeeBps = uint16(_bound(arbiterFeeBps, 0, registry.MAX_ARBITER_FEE_BPS()));
        params.minDisputeWindow = uint32(_bound(reviewSeed, 1 hours, 1 days));
        vm.prank(admin);
        registry.setParams(params);
    }

    /// @notice The last arbiter asks to unbond (it can then neither take nor rule cases) or
    /// cancels its request; the other arbiters stay active.
    function toggleArbiterUnbonding() external {
        address arbiter = arbiters[arbiters.length - 1];
        vm.startPrank(arbiter);
        if (vault.stakeOf(arbiter).unbondingRequestedAt == 0) vault.requestUnbonding();
        else vault.cancelUnbonding();
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- internals

    function _fund(uint256 seed) private {
        if (_milestones.length == 0) return;
        Ghost storage g = _milestones[_pick(seed, Action.Fund)];
        JobEscrow.Job memory job = _jobOf[g.jobId];
        _mintTo(job.employer, job.token, g.amount);
        vm.prank(job.employer);
        try jobs.fundMilestone{value: job.token == address(0) ? g.amount : 0}(g.jobId, g.index) {
            g.funded = true;
            unsettled[job.token] += g.amount;
            ++successes["fund"];
        } catch {}
    }

    function _start(uint256 seed) private {
        if (_milestones.length == 0) return;
        Ghost storage g = _milestones[_pick(seed, Action.Start)];
        vm.prank(_jobOf[g.jobId].worker);
        try jobs.startMilestone(g.jobId, g.index) {
            ++successes["start"];
        } catch {}
    }

    /// @dev 1 to 3 milestones with random amounts and deadlines within the registry's windows.
    function _plan(
        address token,
        uint256 countSeed,
        uint256 planSeed,
        StoaRegistry.Params memory params
    ) private view returns (uint128[] memory amounts, uint40[] memory deadlines) {
        uint256 count = _bound(countSeed, 1, 3);
        amounts = new uint128[](count);
        deadlines = new uint40[](count);
        uint256 maxAmount = token == address(dusd) ? dusd.FAUCET_LIMIT() : 1e24;
        for (uint256 i = 0; i < count; ++i) {
            amounts[i] = uint128(_bound(uint256(keccak256(abi.encode(planSeed, i))), 1, maxAmount));
            uint256 offset = uint256(keccak256(abi.encode(planSeed, i, "deadline")));
            deadlines[i] = uint40(block.timestamp + _bound(offset, params.minDisputeWindow, params.maxDeliveryPeriod));
        }
    }

    function _mintTo(address account, address token, uint256 amount) private {
        if (token == address(0)) {
            vm.deal(account, account.balance + amount);
            return;
        }
        if (token == address(dusd)) dusd.faucet(account, amount);
        else hook.mint(account, amount);
        vm.prank(account);
        IERC20(token).approve(address(jobs), amount);
    }

    function _milestone(Ghost memory g) private view returns (JobEscrow.Milestone memory) {
        return jobs.getMilestones(g.jobId)[g.index];
    }

    /// @dev Whether `action` can succeed on milestone `m` of `job` now (arbiter standing aside).
    function _eligible(
        Action action,
        JobEscrow.Milestone memory m,
        JobEscrow.Job memory job
    ) private view returns (bool) {
        JobEscrow.MilestoneStatus s = m.status;
        bool beforeDeadline = block.timestamp <= m.deadline;
        if (action == Action.Fund) return s == JobEscrow.MilestoneStatus.Unfunded && beforeDeadline;
        if (action == Action.Start) return s == JobEscrow.MilestoneStatus.Funded && beforeDeadline;
        if (action == Action.Submit) return s == JobEscrow.MilestoneStatus.Started && beforeDeadline;
        if (action == Action.Approve) {
            return s == JobEscrow.MilestoneStatus.Started || s == JobEscrow.MilestoneStatus.Submitted;
        }
        if (action == Action.Claim) {
            return s == JobEscrow.MilestoneStatus.Submitted && block.timestamp >= m.since + job.reviewPeriod;
        }
        if (action == Action.Dispute) {
            return
                s == JobEscrow.MilestoneStatus.Started ||
                (s == JobEscrow.MilestoneStatus.Submitted && block.timestamp < m.since + job.reviewPeriod);
        }
        if (action == Action.Rule) return s == JobEscrow.MilestoneStatus.Disputed;
        if (action == Action.ResolveUnruled) {
            return s == JobEscrow.MilestoneStatus.Disputed && block.timestamp >= m.since + job.rulingPeriod;
        }
        if (action == Action.CancelByEmployer) {
            return
                s == JobEscrow.MilestoneStatus.Unfunded ||
                s == JobEscrow.MilestoneStatus.Funded ||
                (s == JobEscrow.MilestoneStatus.Started && !beforeDeadline);
        }
        return s == JobEscrow.MilestoneStatus.Funded || s == JobEscrow.MilestoneStatus.Started;
    }

    /// @dev The first milestone from `seed` on on which `action` can succeed now, or the one at
    /// `seed` if none can (the call then reverts, which is tested too).
    function _pick(uint256 seed, Action action) private view returns (uint256) {
        uint256 count = _milestones.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 index = (seed + i) % count;
            Ghost memory g = _milestones[index];
            if (g.finalStatus != JobEscrow.MilestoneStatus.None) continue;
            if (_eligible(action, _milestone(g), _jobOf[g.jobId])) return index;
        }
        return seed % count;
    }

    /// @dev Warps to when `action` becomes possible on the first milestone from `seed` on that
    /// waits for time: a submission's review end (Claim), a dispute's ruling end (ResolveUnruled)
    /// or a started milestone's deadline (CancelByEmployer).
    function _skipAhead(uint256 seed, Action action) private {
        uint256 count = _milestones.length;
        for (uint256 i = 0; i < count; ++i) {
            Ghost memory g = _milestones[(seed + i) % count];
            JobEscrow.Milestone memory m = _milestone(g);
            JobEscrow.Job memory job = _jobOf[g.jobId];
            uint256 from;
            if (action == Action.Claim && m.status == JobEscrow.MilestoneStatus.Submitted) {
                from = m.since + job.reviewPeriod;
            } else if (action == Action.ResolveUnruled && m.status == JobEscrow.MilestoneStatus.Disputed) {
                from = m.since + job.rulingPeriod;
            } else if (action == Action.CancelByEmployer && m.status == JobEscrow.MilestoneStatus.Started) {
                from = uint256(m.deadline) + 1;
            } else {
                continue;
            }
            if (from > block.timestamp) vm.warp(from);
            return;
        }
    }

    /// @dev Ends a milestone with `action` and checks what each party received.
    /// @param arg The employer's share for a ruling; for resolveUnruled, 1 if the worker calls.
    function _settle(uint256 seed, Action action, uint256 arg) private {
        if (_milestones.length == 0) return;
        bool isCancel = action == Action.CancelByEmployer || action == Action.CancelByWorker;
        uint256 index = isCancel ? seed % _milestones.length : _pick(seed, action);
        Ghost memory g = _milestones[index];
        JobEscrow.Job memory job = _jobOf[g.jobId];
        bool wasFunded = _milestone(g).status != JobEscrow.MilestoneStatus.Unfunded;

        uint256[4] memory received = _holdings(job);
        (bool ok, ) = _call(g, action, arg, address(0));
        if (!ok) return;
        uint256[4] memory afterwards = _holdings(job);
        for (uint256 i = 0; i < 4; ++i) received[i] = afterwards[i] - received[i];

        Ghost storage stored = _milestones[index];
        stored.finalStatus = _finalStatus(action);
        --openMilestones;
        if (!wasFunded) {
            // Cancelling an unfunded milestone moves no money.
            if (received[0] + received[1] + received[2] + received[3] != 0) ++splitMismatches;
            ++successes["cancelUnfunded"];
            return;
        }
        if (!_matches(received, _expectedSplit(g.amount, job, action, arg))) ++splitMismatches;
        stored.paidOut += received[0] + received[1] + received[2] + received[3];
        ++stored.settleCount;
        unsettled[job.token] -= g.amount;
        ++successes[_actionName(action)];
    }

    /// @dev Calls `action` on milestone `g` as the party entitled to it, or as `asCaller`.
    function _call(
        Ghost memory g,
        Action action,
        uint256 arg,
        address asCaller
    ) private returns (bool ok, bytes memory err) {
        JobEscrow.Job memory job = _jobOf[g.jobId];
        bytes memory data;
        address caller;
        if (action == Action.Fund) {
            (caller, data) = (job.employer, abi.encodeCall(JobEscrow.fundMilestone, (g.jobId, g.index)));
        } else if (action == Action.Start) {
            (caller, data) = (job.worker, abi.encodeCall(JobEscrow.startMilestone, (g.jobId, g.index)));
        } else if (action == Action.Submit) {
            data = abi.encodeCall(JobEscrow.submitMilestone, (g.jobId, g.index, "bafkreideliverable"));
            caller = job.worker;
        } else if (action == Action.Approve) {
            (caller, data) = (job.employer, abi.encodeCall(JobEscrow.approveMilestone, (g.jobId, g.index)));
        } else if (action == Action.Claim) {
            (caller, data) = (job.worker, abi.encodeCall(JobEscrow.claimMilestone, (g.jobId, g.index)));
        } else if (action == Action.Rule) {
            data = abi.encodeCall(JobEscrow.ruleMilestone, (g.jobId, g.index, uint16(arg)));
            caller = job.arbiter;
        } else if (action == Action.ResolveUnruled) {
            data = abi.encodeCall(JobEscrow.resolveUnruledMilestone, (g.jobId, g.index));
            caller = arg == 1 ? job.worker : job.employer;
        } else if (action == Action.CancelByEmployer) {
            (caller, data) = (job.employer, abi.encodeCall(JobEscrow.cancelMilestone, (g.jobId, g.index)));
        } else if (action == Action.CancelByWorker) {
            (caller, data) = (job.worker, abi.encodeCall(JobEscrow.cancelMilestone, (g.jobId, g.index)));
        } else {
            (caller, data) = (job.employer, abi.encodeCall(JobEscrow.disputeMilestone, (g.jobId, g.index)));
        }
        vm.prank(asCaller == address(0) ? caller : asCaller);
        // solhint-disable-next-line avoid-low-level-calls
        (ok, err) = address(jobs).call(data);
    }

    /// @dev What employer, worker and arbiter hold in the job's token (balance plus credit), and
    /// the fees accrued in it.
    function _holdings(JobEscrow.Job memory job) private view returns (uint256[4] memory held) {
        held[0] = _held(job.employer, job.token);
        held[1] = _held(job.worker, job.token);
        held[2] = _held(job.arbiter, job.token);
        held[3] = jobs.accruedFees(job.token);
    }

    function _held(address account, address token) private view returns (uint256) {
        uint256 balance = token == address(0) ? account.balance : IERC20(token).balanceOf(account);
        return balance + jobs.credits(account, token);
    }

    function _expectedSplit(
        uint256 amount,
        JobEscrow.Job memory job,
        Action action,
        uint256 arg
    ) private pure returns (Split memory) {
        if (action == Action.CancelByEmployer || action == Action.CancelByWorker) return EscrowMath.refund(amount);
        if (action == Action.Rule) return EscrowMath.rule(amount, arg, job.arbiterFeeBps, job.protocolFeeBps);
        if (action == Action.ResolveUnruled) return EscrowMath.unruled(amount, job.protocolFeeBps);
        return EscrowMath.release(amount, job.protocolFeeBps);
    }

    /// @dev Whether `account` may take `action` on a milestone of `job`.
    function _mayTake(JobEscrow.Job memory job, Action action, address account) private pure returns (bool) {
        if (action == Action.Fund || action == Action.Approve) return account == job.employer;
        if (action == Action.Start || action == Action.Submit || action == Action.Claim) return account == job.worker;
        if (action == Action.Rule) return account == job.arbiter;
        return account == job.employer || account == job.worker;
    }

    /// @dev Whether employer, worker, arbiter and fee bucket received exactly `split`.
    function _matches(uint256[4] memory received, Split memory split) private pure returns (bool) {
        return
            received[0] == split.payer &&
            received[1] == split.payee &&
            received[2] == split.arbiterFee &&
            received[3] == split.protocolFee;
    }

    function _finalStatus(Action action) private pure returns (JobEscrow.MilestoneStatus) {
        if (action == Action.Approve) return JobEscrow.MilestoneStatus.Paid;
        if (action == Action.Claim) return JobEscrow.MilestoneStatus.Claimed;
        if (action == Action.Rule) return JobEscrow.MilestoneStatus.Ruled;
        if (action == Action.ResolveUnruled) return JobEscrow.MilestoneStatus.Unruled;
        return JobEscrow.MilestoneStatus.Cancelled;
    }

    function _actionName(Action action) private pure returns (bytes32) {
        if (action == Action.Approve) return "approve";
        if (action == Action.Claim) return "claim";
        if (action == Action.Rule) return "rule";
        if (action == Action.ResolveUnruled) return "resolveUnruled";
        return "cancelFunded";
    }
}

/// @notice Invariant tests of the job escrow on the real contracts (token, staking vault,
/// registry, job escrow, dUSD) under random call sequences: per token the escrow holds exactly
/// every funded, unsettled milestone plus every withdrawable credit plus the accrued fees, and no
/// milestone pays out twice.
contract JobEscrowInvariantTest is Test {
    uint128 private constant MIN_STAKE = 1_000e18;

    StoaToken private token;
    StakingVault private vault;
    StoaRegistry private registry;
    JobEscrow private jobs;
    DevStablecoin private dusd;
    HookToken private hook;
    JobEscrowHandler private handler;

    function setUp() public {
        token = new StoaToken(address(this), 1_000_000_000e18, new address[](0), new uint256[](0));
        vault = new StakingVault(token, address(this), 1 hours);
        dusd = new DevStablecoin();
        hook = new HookToken();

        address[] memory arbiters = new address[](3);
        arbiters[0] = makeAddr("arbiter0");
        arbiters[1] = makeAddr("arbiter1");
        arbiters[2] = makeAddr("arbiter2");
        address[] memory paymentTokens = new address[](2);
        paymentTokens[0] = address(dusd);
        paymentTokens[1] = address(hook);
        registry = new StoaRegistry(
            address(this),
            vault,
            makeAddr("treasury"),
            StoaRegistry.Params({
                protocolFeeBps: 100,
                arbiterFeeBps: 300,
                minDisputeWindow: 1 hours,
                maxDeliveryPeriod: 3 days,
                rulingPeriod: 1 days,
                minArbiterStake: MIN_STAKE
            }),
            arbiters,
            paymentTokens
        );
        for (uint256 i = 0; i < arbiters.length; ++i) {
            token.mint(arbiters[i], MIN_STAKE);
            vm.startPrank(arbiters[i]);
            token.approve(address(vault), MIN_STAKE);
            vault.deposit(MIN_STAKE, arbiters[i]);
            vm.stopPrank();
        }
        jobs = new JobEscrow(registry);

        // Three plain accounts and a contract that rejects ETH and that the hook token blocks:
        // pushes to it become credits.
        address rejecting = address(new RejectingReceiver());
        hook.setBlocked(rejecting, true);
        address[] memory actors = new address[](4);
        actors[0] = makeAddr("alice");
        actors[1] = makeAddr("bob");
        actors[2] = makeAddr("carol");
        actors[3] = rejecting;

        handler = new JobEscrowHandler(jobs, vault, dusd, hook, address(this), actors, arbiters);
        targetContract(address(handler));
    }

    /// @notice Per token: escrow balance == funded unsettled milestones + credits + accrued fees.
    function invariant_solvency() public view {
        address[] memory tokens = handler.tokenList();
        address[] memory holders = handler.creditHolders();
        for (uint256 t = 0; t < tokens.length; ++t) {
            address currency = tokens[t];
            uint256 credits;
            for (uint256 i = 0; i < holders.length; ++i) credits += jobs.credits(holders[i], currency);
            uint256 owed = handler.unsettled(currency) + credits + jobs.accruedFees(currency);
            uint256 balance =
                currency == address(0) ? address(jobs).balance : IERC20(currency).balanceOf(address(jobs));
            assertGe(balance, owed, "solvent: holds every unsettled milestone, credit and fee");
            assertEq(balance, owed, "nothing lost or stuck");
        }
    }

    /// @notice Every milestone that ended paid out its amount exactly once (or nothing, if it was
    /// cancelled unfunded), with the split EscrowMath gives for its job's terms; every attempt to
    /// end it again reverted, and so did every call by an account not entitled to it; the
    /// contract's status matches the ghost's.
    function invariant_noDoublePayout() public view {
        assertEq(handler.doubleSettlements(), 0, "an ended milestone was settled again");
        assertEq(handler.wrongResettleErrors(), 0, "re-settling reverted with another error");
        assertEq(handler.splitMismatches(), 0, "a settlement paid another split");
        assertEq(handler.jobMismatches(), 0, "a job snapshotted other terms");
        assertEq(handler.strangerSettlements(), 0, "an account acted on a milestone it may not act on");
        assertEq(handler.wrongStrangerErrors(), 0, "a stranger's call reverted with another error");
        address[] memory tokens = handler.tokenList();
        uint256[] memory openFunded = new uint256[](tokens.length);
        uint256 count = handler.milestoneCount();
        for (uint256 i = 0; i < count; ++i) {
            JobEscrowHandler.Ghost memory g = handler.ghost(i);
            JobEscrow.MilestoneStatus status = jobs.getMilestones(g.jobId)[g.index].status;
            if (g.finalStatus == JobEscrow.MilestoneStatus.None) {
                assertEq(g.settleCount, 0, "open milestones paid nothing");
                assertTrue(
                    status >= JobEscrow.MilestoneStatus.Unfunded && status <= JobEscrow.MilestoneStatus.Disputed,
                    "open milestones are in an open status"
                );
                assertEq(status != JobEscrow.MilestoneStatus.Unfunded, g.funded, "funded exactly when the ghost says");
                if (g.funded) openFunded[_tokenIndex(tokens, handler.jobOf(g.jobId).token)] += g.amount;
                continue;
            }
            assertEq(uint8(status), uint8(g.finalStatus), "final status");
            if (g.funded) {
                assertEq(g.settleCount, 1, "settled once");
                assertEq(g.paidOut, g.amount, "paid out exactly its amount");
            } else {
                assertEq(uint8(status), uint8(JobEscrow.MilestoneStatus.Cancelled), "unfunded ends cancelled");
                assertEq(g.settleCount, 0, "an unfunded milestone pays nothing");
            }
        }
        for (uint256 t = 0; t < tokens.length; ++t) {
            assertEq(openFunded[t], handler.unsettled(tokens[t]), "unsettled == funded open milestones");
        }
    }

    function _tokenIndex(address[] memory tokens, address currency) private pure returns (uint256 i) {
        while (tokens[i] != currency) ++i;
    }
}
