// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Foundry naming: test_*, testFuzz_*, invariant_*.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {StoaToken} from "./StoaToken.sol";

/// @notice Mints random amounts through the minter role, transfers between four accounts,
/// delegates (to an account or to none) and lets time pass; keeps the total it minted.
contract StoaTokenHandler is CommonBase, StdCheats, StdUtils {
    StoaToken public immutable token;
    address public immutable minter;
    address[] public actors;

    /// @dev Ghost state: the supply minted through this handler plus the initial supply.
    uint256 public mintedTotal;
    uint256 public capRefusals;
    /// @dev Mints above the cap that succeeded.
    uint256 public mintsAboveCap;

    constructor(StoaToken token_, address minter_, address[] memory actors_) {
        token = token_;
        minter = minter_;
        actors = actors_;
        mintedTotal = token_.totalSupply();
    }

    function actorList() external view returns (address[] memory) {
        return actors;
    }

    /// @notice The minter mints a small amount (mode 0), any amount up to the cap (1), exactly
    /// what is left under the cap (2) or more than that (3).
    function mint(uint256 actorSeed, uint256 amount, uint8 mode) external {
        uint256 cap = token.cap();
        uint256 room = cap - token.totalSupply();
        mode %= 4;
        if (mode == 0) amount = _bound(amount, 0, cap / 1_000);
        else if (mode == 1) amount = _bound(amount, 0, cap);
        else if (mode == 2) amount = room;
        else amount = room + _bound(amount, 1, cap);
        address to = actors[actorSeed % actors.length];
        vm.prank(minter);
        try token.mint(to, amount) {
            if (amount > room) ++mintsAboveCap;
            mintedTotal += amount;
        } catch (bytes memory err) {
            if (bytes4(err) == ERC20Capped.ERC20ExceededCap.selector) ++capRefusals;
        }
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = actors[fromSeed % actors.length];
        address to = actors[toSeed % actors.length];
        amount = _bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        token.transfer(to, amount);
    }

    /// @notice `fromSeed`'s account approves the next account, which moves part of it.
    function transferFrom(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = actors[fromSeed % actors.length];
        address spender = actors[(fromSeed + 1) % actors.length];
        address to = actors[toSeed % actors.length];
        amount = _bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        token.approve(spender, amount);
        vm.prank(spender);
        token.transferFrom(from, to, amount);
    }

    /// @notice An account delegates to an account, or (`none`) to address(0).
    function delegate(uint256 fromSeed, uint256 toSeed, bool none) external {
        address from = actors[fromSeed % actors.length];
        vm.prank(from);
        token.delegate(none ? address(0) : actors[toSeed % actors.length]);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 0, 7 days));
    }
}

/// @notice Fuzz and invariant tests of StoaToken: minting stops exactly at the cap, only the
/// minter mints, and votes always equal the balances delegated to each account.
contract StoaTokenTest is Test {
    uint256 private constant CAP = 1_000_000_000e18;
    bytes32 private constant MINTER_ROLE = keccak256("MINTER_ROLE");

    StoaToken private token;
    StoaTokenHandler private handler;
    address[] private actors;

    function setUp() public {
        actors.push(makeAddr("alice"));
        actors.push(makeAddr("bob"));
        actors.push(makeAddr("carol"));
        actors.push(makeAddr("dave"));
        address[] memory recipients = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (recipients[0], amounts[0]) = (actors[0], 100_000e18);
        (recipients[1], amounts[1]) = (actors[1], 250_000e18);
        token = new StoaToken(address(this), CAP, recipients, amounts);
        handler = new StoaTokenHandler(token, address(this), actors);
        targetContract(address(handler));
    }

    // ---------------------------------------------------------------- fuzz: the cap

    function testFuzz_mint_upToTheCapAndNotBeyond(uint256 first, uint256 second) public {
        uint256 supply = token.totalSupply();
        first = bound(first, 0, CAP - supply);
        token.mint(actors[2], first);
        assertEq(token.totalSupply(), supply + first);
        assertEq(token.balanceOf(actors[2]), first);

        uint256 room = CAP - token.totalSupply();
        second = bound(second, room + 1, type(uint256).max - token.totalSupply());
        vm.expectRevert(
            abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, token.totalSupply() + second, CAP)
        );
        token.mint(actors[3], second);

        token.mint(actors[3], room);
        assertEq(token.totalSupply(), CAP, "exactly the cap can be reached");
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, CAP + 1, CAP));
        token.mint(actors[3], 1);
    }

    /// @dev Minting past uint256.max overflows before the cap check: a panic, never a wrap.
    function testFuzz_mint_overflowPanics(uint256 amount) public {
        amount = bound(amount, type(uint256).max - token.totalSupply() + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        token.mint(actors[2], amount);
    }

    function testFuzz_constructor_refusesAnInitialSupplyAboveTheCap(uint256 cap, uint256 a, uint256 b) public {
        cap = bound(cap, 1, type(uint208).max);
        a = bound(a, 0, cap);
        b = bound(b, cap - a + 1, type(uint256).max - a);
        address[] memory recipients = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (recipients[0], amounts[0]) = (actors[0], a);
        (recipients[1], amounts[1]) = (actors[1], b);
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, a + b, cap));
        new StoaToken(address(this), cap, recipients, amounts);
    }

    function testFuzz_constructor_refusesMismatchedDistributions(uint8 recipients, uint8 amounts) public {
        recipients = uint8(bound(recipients, 0, 8));
        amounts = uint8(bound(amounts, 0, 8));
        vm.assume(recipients != amounts);
        vm.expectRevert(abi.encodeWithSelector(StoaToken.InitialDistributionMismatch.selector, recipients, amounts));
        new StoaToken(address(this), CAP, new address[](recipients), new uint256[](amounts));
    }

    /// @dev ERC20Votes checkpoints fit 208 bits: a cap above that is refused at deployment.
    function testFuzz_constructor_refusesCapsAboveTheVotesLimit(uint256 cap) public {
        cap = bound(cap, uint256(type(uint208).max) + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(StoaToken.CapAboveVotesLimit.selector, cap, uint256(type(uint208).max)));
        new StoaToken(address(this), cap, new address[](0), new uint256[](0));
    }

    function testFuzz_mint_onlyTheMinterRole(address caller, uint256 amount) public {
        vm.assume(caller != address(this));
        amount = bound(amount, 0, CAP - token.totalSupply());
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, MINTER_ROLE)
        );
        vm.prank(caller);
        token.mint(actors[0], amount);
    }

    function testFuzz_mint_refusesTheZeroAddress(uint256 amount) public {
        amount = bound(amount, 0, CAP - token.totalSupply());
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        token.mint(address(0), amount);
    }

    // ---------------------------------------------------------------- fuzz: votes

    /// @notice After random delegations, a mint and a transfer, every account's votes are the
    /// balances delegated to it, and their sum is the supply held by delegating accounts.
    function testFuzz_transfersKeepVotesConsistent(
        uint8[4] memory delegation,
        uint256 minted,
        uint256 fromSeed,
        uint256 toSeed,
        uint256 amount
    ) public {
        for (uint256 i = 0; i < 4; ++i) {
            // 0-3: delegate to that account; 4-5: never delegate.
            uint256 choice = delegation[i] % 6;
            if (choice < 4) {
                vm.prank(actors[i]);
                token.delegate(actors[choice]);
            }
        }
        token.mint(actors[toSeed % 4], bound(minted, 0, CAP - token.totalSupply()));
        address from = actors[fromSeed % 4];
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        token.transfer(actors[toSeed % 4], amount);
        _assertVotesMatchDelegations();
    }

    // ---------------------------------------------------------------- invariants

    /// @notice The supply never exceeds the cap, is exactly what was minted, and the cap refused
    /// the mints that would have exceeded it.
    function invariant_supplyNeverAboveCap() public view {
        assertLe(token.totalSupply(), token.cap(), "supply <= cap");
        assertEq(token.cap(), CAP, "the cap never changes");
        assertEq(token.totalSupply(), handler.mintedTotal(), "supply == initial + minted");
        assertEq(handler.mintsAboveCap(), 0, "a mint above the cap succeeded");
        uint256 held;
        for (uint256 i = 0; i < actors.length; ++i) held += token.balanceOf(actors[i]);
        assertEq(held, token.totalSupply(), "every token is held by an account");
    }

    /// @notice Votes always equal the balances delegated to each account.
    function invariant_votesMatchDelegatedBalances() public view {
        _assertVotesMatchDelegations();
    }

    function _assertVotesMatchDelegations() private view {
        uint256 totalVotes;
        uint256 delegatedSupply;
        for (uint256 d = 0; d < actors.length; ++d) {
            uint256 delegatedToD;
            for (uint256 a = 0; a < actors.length; ++a) {
                if (token.delegates(actors[a]) == actors[d]) delegatedToD += token.balanceOf(actors[a]);
            }
            assertEq(token.getVotes(actors[d]), delegatedToD, "votes == balances delegated to the account");
            totalVotes += token.getVotes(actors[d]);
            if (token.delegates(actors[d]) != address(0)) delegatedSupply += token.balanceOf(actors[d]);
        }
        assertEq(totalVotes, delegatedSupply, "sum of votes == supply held by delegating accounts");
    }
}
